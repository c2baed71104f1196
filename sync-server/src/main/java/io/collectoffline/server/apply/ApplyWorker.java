package io.collectoffline.server.apply;

import io.collectoffline.server.config.ServerConfig;
import io.collectoffline.shipping.Every;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Applies stored transactions off the request path: one thread that wakes when a batch has been stored here, and
 * otherwise every {@code sync.server.apply.interval} (to pick up what other instances stored and to retry deferred
 * transactions). Each cycle applies every producer that has something to apply, until none makes progress. Once at
 * start and every {@code sync.server.apply.retry-errors-every} it first puts the transactions in ERROR back in line:
 * no error blocks its producer for ever once its cause is gone.
 */
@ApplicationScoped
public class ApplyWorker {

    private final ProducerApplier applier;
    private final ServerConfig config;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;
    /** When the transactions in ERROR were last put back in line. */
    private final Every errorsRetry = new Every();

    ApplyWorker(ProducerApplier applier, ServerConfig config) {
        this.applier = applier;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        if (!config.apply().enabled()) {
            Log.info("Apply worker disabled on this instance (sync.server.apply.enabled=false)");
            return;
        }
        running = true;
        thread = new Thread(this::loop, "apply-worker");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    /** Asks for a cycle now (new transactions were stored, or an admin retried one). */
    public void wake() {
        wake.release();
    }

    private void loop() {
        long intervalMillis = config.apply().interval().toMillis();
        while (running) {
            try {
                wake.tryAcquire(intervalMillis, TimeUnit.MILLISECONDS);
                wake.drainPermits();
                cycle();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                // a database outage, or a cycle that ran out of stack or heap, must not end the worker (this thread
                // is the only one that applies; nothing would apply again until a restart): log, wait, try again
                Log.errorf(e, "Apply cycle failed; retrying in %d ms", intervalMillis);
            }
        }
    }

    private void cycle() {
        if (errorsRetry.take(config.apply().retryErrorsEvery())) {
            int retried = applier.retryErrors();
            if (retried > 0) {
                Log.infof(
                        "%d transactions in error put back in line (every %s): their cause may be gone",
                        retried, config.apply().retryErrorsEvery());
            }
        }
        boolean progress = true;
        while (progress && running) {
            progress = false;
            List<String> producers = applier.producersWithWork();
            for (String producer : producers) {
                progress |= applier.apply(producer) > 0;
            }
        }
    }
}
