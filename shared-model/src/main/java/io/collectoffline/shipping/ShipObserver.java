package io.collectoffline.shipping;

import io.collectoffline.shipping.ShippingQueue.Recorded;

/** What an adapter wants to hear while a pass runs: progress for its status page, counts for its metrics. */
public interface ShipObserver {

    /** Batch {@code batch} of about {@code expected} is on its way; {@code answered} transactions answered so far. */
    default void sending(int batch, int expected, int answered) {}

    /** The link could not take {@code from} transactions at once ({@code why}); it now gets {@code to}. */
    default void shrunk(int from, int to, LinkFailure why) {}

    /** The next hop's answer to a batch was recorded. */
    default void recorded(Recorded recorded) {}
}
