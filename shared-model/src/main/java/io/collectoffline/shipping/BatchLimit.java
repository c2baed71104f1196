package io.collectoffline.shipping;

import java.util.function.IntSupplier;

/**
 * The batch size a link takes, remembered between passes: the configured most per batch until a pass had to halve
 * it (a timeout or a 413), then the halved size, so that the next pass does not fail the same way again (a slow
 * field link at 32 kbit/s carries a few hundred kilobytes per minute). In memory: a restart, or a configuration
 * that asks for less, starts from the configured size again.
 */
public final class BatchLimit {

    private final IntSupplier configured;
    private volatile int shrunk;
    private volatile boolean slow;

    /** {@code configured}: the most per batch the configuration allows, read at each pass. */
    public BatchLimit(IntSupplier configured) {
        this.configured = configured;
    }

    /** The batch size the next pass starts with. */
    public int current() {
        int max = configured.getAsInt();
        int known = shrunk;
        return known > 0 ? Math.min(known, max) : max;
    }

    /** The link could not take a batch; the engine now sends {@code to} at a time. */
    public void shrunk(int to) {
        shrunk(to, false);
    }

    /**
     * The link could not take a batch; the engine now sends {@code to} at a time, and after a timeout ({@code
     * slow}) one batch at a time: on a slow link a second batch travelling only competes with the first for it.
     */
    public void shrunk(int to, boolean slow) {
        shrunk = Math.max(1, to);
        this.slow |= slow;
    }

    /** Whether a batch timed out on this link since the start: it then carries one batch at a time. */
    public boolean slow() {
        return slow;
    }
}
