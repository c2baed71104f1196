package io.collectoffline.protocol;

/**
 * One transaction of a device's down-sync feed (two-way, ADR 14), with the server's verdict on it.
 *
 * @param order       its place in the order the server settled transactions in: the feed's position
 * @param overruled   true when the server did not write its values (it lost a conflicting edit, ADR 8, or an admin
 *                    skipped it): the device writes nothing either, but learns the verdict on its own change
 * @param transaction the transaction; its payload sealed again, to the receiving device's key, and absent when
 *                    overruled. Its producer's signature does not travel (it covers the payload as first sealed)
 */
public record DownSyncEntry(long order, boolean overruled, TransactionEnvelope transaction) {}
