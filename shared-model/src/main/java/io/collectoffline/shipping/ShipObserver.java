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

    /**
     * The next hop no longer holds {@code resent} transactions of {@code producer} it had acknowledged (its
     * watermark stops at {@code watermark}): they are pending again and sent in this pass.
     */
    default void lost(String producer, long watermark, int resent) {}
}
