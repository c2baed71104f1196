package io.collectoffline.protocol;

import java.util.List;

/**
 * One page of a device's down-sync feed (two-way, ADR 14): the settled transactions of its subscription after
 * {@code after}, in the server's order. The device asks for the next page after {@code next} once it has applied
 * this one; asking is how the server learns how far the device holds.
 *
 * @param device       the device the payloads are sealed to
 * @param subscription what the device is subscribed to ({@code site:<site>}, or {@code unsited}): positions are
 *                     positions in this subscription's feed, so a device whose subscription changed (moved to
 *                     another site) starts again from 0 — what it received before is skipped by txId
 * @param after   the position asked after
 * @param next    the position to ask after next (the last entry's order, or {@code after} when empty)
 * @param more    whether more entries follow now
 * @param latest  the server's last position for this subscription when the page was read (behind by: latest -
 *                next, in positions)
 * @param entries the entries, in order
 * @param signer  the server's signing public key (Ed25519, X.509 base64) the entries are signed with: a device pins
 *                the one it first receives directly from its server and refuses entries signed by another
 */
public record DownSyncPage(
        String device,
        String subscription,
        long after,
        long next,
        boolean more,
        long latest,
        List<DownSyncEntry> entries,
        String signer) {

    /** The most entries one page holds. */
    public static final int MAX_ENTRIES = 1000;
}
