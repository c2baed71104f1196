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
 * @param registrations the signing keys of the producers in the batch (README, Guarantees 10); absent when none
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record Batch(
        UUID batchId, String sender, List<TransactionEnvelope> transactions, List<KeyRegistration> registrations) {

    public Batch(UUID batchId, String sender, List<TransactionEnvelope> transactions) {
        this(batchId, sender, transactions, null);
    }
}
