package io.collectoffline.client.downsync;

import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.client.identity.NodeIdentity;
import io.collectoffline.client.push.PushService;
import io.collectoffline.client.records.InvalidRecordException;
import io.collectoffline.client.transport.ServerClient;
import io.collectoffline.protocol.AccountList;
import io.collectoffline.protocol.CarriedAccounts;
import io.collectoffline.protocol.CarriedAnswer;
import io.collectoffline.protocol.DownSyncPage;
import io.collectoffline.protocol.Problem.FieldError;
import io.collectoffline.shipping.LinkFailure;
import io.collectoffline.shipping.ServerHop;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Receives the records this laptop is subscribed to from its server (two-way, ADR 14): page after page from its
 * checkpoint until the server has nothing more, on the push's schedule and on demand, one down-sync at a time.
 * Before the first page of a run it registers its sealing key (idempotent), so that a laptop with nothing to push
 * can receive too.
 */
@ApplicationScoped
public class DownSyncService {

    private final ClientConfig config;
    private final ServerClient server;
    private final NodeIdentity identity;
    private final DownSyncApplier applier;
    private final MeterRegistry metrics;
    private final CarriedDownSync carried;
    private final PushService push;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "downsync");
        thread.setDaemon(true);
        return thread;
    });
    private final Object lock = new Object();
    private CompletableFuture<DownSyncReport> current;
    private volatile DownSyncReport last;
    private volatile boolean registered;
    private volatile int[] progress;

    DownSyncService(
            ClientConfig config,
            ServerClient server,
            NodeIdentity identity,
            DownSyncApplier applier,
            MeterRegistry metrics,
            CarriedDownSync carried,
            PushService push,
            io.collectoffline.client.people.LaptopAccounts accounts) {
        this.accounts = accounts;
        this.push = push;
        this.carried = carried;
        this.config = config;
        this.server = server;
        this.identity = identity;
        this.applier = applier;
        this.metrics = metrics;
    }

    private final io.collectoffline.client.people.LaptopAccounts accounts;

    /**
     * At start, where logins are required and a server is configured: the accounts, once, in the background (so a
     * laptop that has just been given its server can be logged into without waiting for its first down-sync).
     */
    void fetchAccountsAtStart(@Observes io.quarkus.runtime.StartupEvent event) {
        if (server.server().isPresent() && config.users().login() == ClientConfig.Users.Login.required) {
            executor.execute(() -> {
                try {
                    refreshAccounts(server.hop());
                } catch (RuntimeException e) {
                    Log.infof("Accounts not fetched at start: %s", e.getMessage());
                }
            });
        }
    }

    void stop(@Observes ShutdownEvent event) {
        executor.shutdownNow();
    }

    @Scheduled(
            every = "{sync.client.push.interval}",
            delayed = "7s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (server.server().isPresent() && config.downsync().scheduled() && push.linkDue()) {
            start(); // not while the link to the server backs off after a failure, or its credentials were refused
        }
    }

    /** Starts a down-sync unless one is running; either way returns the one in progress. */
    public CompletableFuture<DownSyncReport> start() {
        synchronized (lock) {
            if (current == null || current.isDone()) {
                current = CompletableFuture.supplyAsync(this::receive, executor);
            }
            return current;
        }
    }

    /** Starts a down-sync (unless one runs) and waits for it to end, at most {@code timeout}. */
    public DownSyncReport receiveAndWait(Duration timeout) throws TimeoutException, InterruptedException {
        try {
            return start().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("down-sync failed unexpectedly", e.getCause());
        }
    }

    /** Where the down-sync stands. */
    public DownSyncStatus status() {
        DownSyncApplier.State state = applier.state();
        Map<String, Long> received = applier.counts();
        return new DownSyncStatus(
                state.subscription(),
                state.checkpoint(),
                state.latest(),
                Math.max(0, state.latest() - state.checkpoint()),
                state.lastAt(),
                state.stoppedReason(),
                progress != null,
                received,
                applier.heldBack(),
                last);
    }

    /**
     * Keeps the people who may log in here as the server has them now (offline login): with every down-sync, so a
     * new account, a new password or a disabled one reaches the laptop with its next contact. A list not signed by
     * the server this laptop trusts is not taken; a server of an older release has none to give: the laptop keeps
     * what it holds.
     */
    private void refreshAccounts(ServerHop hop) {
        try {
            accounts.take(hop.accounts(), applier.serverSigner(), true);
        } catch (LinkFailure | InvalidRecordException e) {
            Log.infof(
                    "The server gave no accounts this laptop takes (%s); the laptop keeps the %d it holds",
                    e.getMessage(), accounts.count());
        }
    }

    /**
     * Takes the account list a middleman or a receipt file carried here: only signed by this laptop's server and newer
     * than the one it holds (a carrier can neither alter the list nor hand over an older one).
     */
    public CarriedAccounts receiveCarriedAccounts(AccountList list) {
        CarriedAccounts answer = accounts.take(list, applier.serverSigner(), false);
        Log.infof(
                "Account list carried here by a middleman or a receipt (issued %s): %s",
                list.issued(),
                answer.taken() ? "taken, " + answer.accounts() + " accounts" : "not taken: " + answer.reason());
        return answer;
    }

    private DownSyncReport receive() {
        OffsetDateTime started = OffsetDateTime.now(ZoneOffset.UTC);
        long startedNanos = System.nanoTime();
        if (server.server().isEmpty()) {
            return finish(new DownSyncReport(
                    "NO_SERVER", started, now(), 0, 0, 0, 0, 0, 0, 0, 0, null, "no server configured"));
        }
        int pages = 0;
        int[] n = new int[5];
        long checkpoint = applier.state().checkpoint();
        long latest = checkpoint;
        String stopped = null;
        progress = new int[2];
        try {
            ServerHop hop = server.hop();
            if (!registered) {
                hop.register(identity.registration());
                registered = true;
            }
            refreshAccounts(hop);
            int limit = config.downsync().pageSize();
            boolean registeredAgain = false;
            while (true) {
                DownSyncPage page;
                try {
                    page = hop.downSync(checkpoint, limit);
                } catch (LinkFailure failure) {
                    if (failure.smallerMayPass() && limit > 1) { // as the engine does up: smaller pages
                        limit = (limit + 1) / 2;
                        Log.infof("Down-sync page too slow or too large (%s); asking %d at a time", failure, limit);
                        continue;
                    }
                    if (failure.kind() == LinkFailure.Kind.REFUSED && !registeredAgain) {
                        // e.g. 409, no sealing key: the server may have lost this laptop's keys (restored from a
                        // backup taken before it registered them) while this app kept running: register them again
                        Log.infof("Down-sync refused (%s); registering this laptop's keys again", failure.getMessage());
                        hop.register(identity.registration());
                        registeredAgain = true;
                        continue;
                    }
                    throw failure;
                }
                DownSyncApplier.Applied applied = applier.apply(page);
                pages++;
                n[0] += applied.applied();
                n[1] += applied.held();
                n[2] += applied.verdicts();
                n[3] += applied.overruled();
                n[4] += applied.refused();
                progress = new int[] {pages, n[0] + n[1] + n[2] + n[3] + n[4]};
                latest = Math.max(page.latest(), applied.checkpoint());
                stopped = applied.stopped();
                boolean moved = applied.checkpoint() != checkpoint;
                checkpoint = applied.checkpoint();
                if (applied.resubscribed()) {
                    continue; // the new subscription's feed, from its start
                }
                if (stopped != null || !page.more() || !moved) {
                    break;
                }
            }
            applier.ended(now());
            push.downSyncEnded(null);
            if (config.role() == ClientConfig.Role.middleman) {
                carryForServedLaptops(hop);
            }
            metrics.counter("collect_downsync_transactions_total", "outcome", "applied")
                    .increment(n[0]);
            Log.infof(
                    "Down-sync: %d pages, %d applied, %d held, %d verdicts, %d overruled, %d refused; at %d of %d "
                            + "in %d ms%s",
                    pages,
                    n[0],
                    n[1],
                    n[2],
                    n[3],
                    n[4],
                    checkpoint,
                    latest,
                    (System.nanoTime() - startedNanos) / 1_000_000,
                    stopped == null ? "" : " — stopped: " + stopped);
            return finish(
                    report(stopped == null ? "DONE" : "STOPPED", started, pages, n, checkpoint, latest, stopped, null));
        } catch (LinkFailure e) {
            push.downSyncEnded(e);
            Log.infof("Down-sync stopped at %d: %s", checkpoint, e.getMessage());
            String outcome = e.kind() == LinkFailure.Kind.AUTH_REFUSED ? "AUTH_FAILED" : "FAILED";
            return finish(report(outcome, started, pages, n, checkpoint, latest, null, e.getMessage()));
        } finally {
            progress = null;
        }
    }

    /** The report of a run; {@code n}: applied, held, verdicts, overruled, refused. */
    private static DownSyncReport report(
            String outcome,
            OffsetDateTime started,
            int pages,
            int[] n,
            long checkpoint,
            long latest,
            String stopped,
            String error) {
        return new DownSyncReport(
                outcome,
                started,
                now(),
                pages,
                n[0],
                n[1],
                n[2],
                n[3],
                n[4],
                checkpoint,
                Math.max(0, latest - checkpoint),
                stopped,
                error);
    }

    /** A middleman fetches what is new for each field laptop it serves, to carry it there at the next pull. */
    private void carryForServedLaptops(ServerHop hop) {
        for (String device : carried.served()) {
            try {
                int added = carried.fetch(hop, device);
                if (added > 0) {
                    Log.infof(
                            "Carrying %d new down-sync entries for %s (sealed to it; handed over at the next pull)",
                            added, device);
                }
            } catch (LinkFailure e) {
                Log.infof("Fetching the down-sync of %s to carry failed: %s", device, e.getMessage());
            }
        }
    }

    /**
     * Applies down-sync entries a middleman carried here (checked like the server's own: signed for this laptop by
     * its server, chained to the position it holds); answers how far this laptop holds its feed now.
     */
    public CarriedAnswer receiveCarried(DownSyncPage page) {
        if (page == null
                || page.entries() == null
                || page.entries().stream().anyMatch(e -> e == null || !complete(e.transaction()))) {
            throw new InvalidRecordException(
                    "A carried down-sync page needs its entries, each with its transaction",
                    List.of(new FieldError(
                            "entries",
                            "required, entries each with a transaction (txId, producer, model, "
                                    + "recordId, action)")));
        }
        if (!identity.device().equals(page.device())) {
            throw new InvalidRecordException(
                    "These down-sync entries are for " + page.device() + ", not this laptop",
                    List.of(new FieldError("device", "must be " + identity.device())));
        }
        DownSyncApplier.Applied applied = applier.apply(page, false);
        if (applied.resubscribed()) {
            return new CarriedAnswer(0, 0, "this laptop's subscription changed: its new feed starts from 0");
        }
        Log.infof(
                "Down-sync carried by a middleman: %d entries, %d applied; at %d%s",
                page.entries().size(),
                applied.applied(),
                applied.checkpoint(),
                applied.stopped() == null ? "" : " — stopped: " + applied.stopped());
        return new CarriedAnswer(applied.checkpoint(), applied.applied(), applied.stopped());
    }

    private static boolean complete(io.collectoffline.protocol.TransactionEnvelope t) {
        return t != null
                && t.txId() != null
                && t.producer() != null
                && t.model() != null
                && t.recordId() != null
                && t.action() != null;
    }

    private DownSyncReport finish(DownSyncReport report) {
        last = report;
        return report;
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
