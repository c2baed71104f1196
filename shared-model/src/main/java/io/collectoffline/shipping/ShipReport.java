package io.collectoffline.shipping;

/**
 * How one pass over a queue went.
 *
 * @param batches   batches the next hop answered
 * @param accepted  transactions it stored now
 * @param duplicate transactions it already had
 * @param rejected  transactions it refused (or the link refused as too large even alone)
 * @param held      transactions it already held by another route, confirmed by txId and not sent again
 * @param resent    transactions it had acknowledged and no longer held (restored from a backup), made pending
 *                  again at the start of the pass
 * @param failure   why the pass stopped early; null when it went through the whole queue
 */
public record ShipReport(
        int batches, int accepted, int duplicate, int rejected, int held, int resent, LinkFailure failure) {

    /** A pass that ended before it sent anything, for {@code failure}. */
    public static ShipReport failed(LinkFailure failure) {
        return new ShipReport(0, 0, 0, 0, 0, 0, failure);
    }

    /**
     * Whether the pass only failed to reach the next hop: a failure other than refused credentials, and nothing sent
     * or confirmed. For a pass that had nothing to send but the periodic question about every producer, that is no
     * failure of the link (a field or site link is down most of the time): the question waits for its next turn.
     */
    public boolean onlyOutOfReach() {
        return failure != null && failure.kind() != LinkFailure.Kind.AUTH_REFUSED && !movedAnything();
    }

    /** Whether anything was sent or confirmed. */
    public boolean movedAnything() {
        return batches > 0 || held > 0 || rejected > 0 || resent > 0;
    }
}
