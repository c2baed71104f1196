package io.collectoffline.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * One transaction of a device's down-sync feed (two-way, ADR 14), with the server's verdict on it. The page it comes
 * in is signed by the server for the device it is for ({@link DownSyncPage#signature}).
 *
 * @param order       its place in the order the server settled transactions in: the feed's position
 * @param previous    the position of the entry before it in the same page, or for a page's first entry the position
 *                    the page was asked after (the one the device holds): a device applies an entry only right after
 *                    the one it names, so no carrier can leave one out unnoticed
 * @param overruled   true when the server did not write its values (it lost a conflicting edit, ADR 8, or an admin
 *                    skipped it): the device writes nothing either, but learns the verdict on its own change
 * @param transaction the transaction; its payload sealed again, to the receiving device's key, and absent when
 *                    overruled. Its producer's signature does not travel (it covers the payload as first sealed)
 */
public record DownSyncEntry(long order, long previous, boolean overruled, TransactionEnvelope transaction) {

    /** What the page's signature covers of the entry: the device and subscription, positions, verdict and content. */
    public static byte[] signedBytes(String device, String subscription, DownSyncEntry e) {
        try {
            TransactionEnvelope t = e.transaction();
            String payloadHash = t.payload() == null
                    ? ""
                    : HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(t.payload()));
            return ("collect-offline down-sync entry v1|" + device + "|" + subscription + "|" + e.previous() + "|"
                            + e.order() + "|" + e.overruled() + "|" + t.txId() + "|" + t.producer() + "|" + t.seq()
                            + "|" + t.model() + "|" + t.recordId() + "|" + t.action() + "|" + t.keyId() + "|"
                            + payloadHash)
                    .getBytes(StandardCharsets.UTF_8);
        } catch (GeneralSecurityException x) {
            throw new IllegalStateException(x);
        }
    }
}
