package io.collectoffline.shipping;

import java.time.Duration;
import java.time.Instant;

/**
 * Something a node does now and then (ask the next hop about every producer, look for refusals to send again, put
 * errors back in line): whether it is due — not done since start, or done at least a period ago — and when it was
 * done. Safe to share between threads.
 */
public final class Every {

    private volatile Instant last;

    /** Whether it was not done since start, or was done at least {@code period} ago. */
    public boolean due(Duration period) {
        Instant done = last;
        return done == null || !done.plus(period).isAfter(Instant.now());
    }

    /** Records that it was done now. */
    public void done() {
        last = Instant.now();
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
