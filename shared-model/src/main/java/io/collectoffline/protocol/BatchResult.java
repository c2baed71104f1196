package io.collectoffline.protocol;

import java.util.List;
import java.util.UUID;

/**
 * The answer to a batch: one result per transaction, in the order sent.
 *
 * @param batchId the batch answered
 * @param results per transaction, by txId
 */
public record BatchResult(UUID batchId, List<TransactionResult> results) {}
