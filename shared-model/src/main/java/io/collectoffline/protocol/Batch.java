package io.collectoffline.protocol;

import java.util.List;
import java.util.UUID;

/**
 * What a sender posts to {@code POST /api/v1/batches}. Re-sending a batch (same id, same transactions) is normal
 * and safe: every transaction already stored is answered DUPLICATE.
 *
 * @param batchId      id of this batch, for logs and receipts
 * @param sender       device id of the node sending it (the producer itself, or a relay)
 * @param transactions the transactions, each one change of one record
 */
public record Batch(UUID batchId, String sender, List<TransactionEnvelope> transactions) {
}
