package io.collectoffline.shipping;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Something a node does now and then (ask the next hop about every producer, look for refusals to send again, put
 * errors back in line): whether it is due — not done since start, or done at least a period ago — and when it was
 * done. Counted on the JVM's monotonic clock, so that a wall clock set back does not postpone it. Safe to share
 * between threads.
 */
public final class Every {

    private final LongSupplier nanos;
    /** When it was last done, on {@link #nanos}; null: not since start. */
    private volatile Long last;

    public Every() {
        this(System::nanoTime);
    }

    /** With {@code nanos} as the monotonic clock (a test's). */
    Every(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** Whether it was not done since start, or was done at least {@code period} ago. */
    public boolean due(Duration period) {
        Long done = last;
        return done == null || nanos.getAsLong() - done >= period.toNanos();
    }

    /** Records that it was done now. */
    public void done() {
        last = nanos.getAsLong();
    }

    /** Whether it is due; if so, records it done now (for work done whether or not it succeeds). */
    public synchronized boolean take(Duration period) {
        if (!due(period)) {
            return false;
        }
        done();
        return true;
    }
}
