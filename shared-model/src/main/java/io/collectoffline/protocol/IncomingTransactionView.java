package io.collectoffline.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A stored transaction as a server's admin sees it (never its payload).
 *
 * @param txId         idempotency key
 * @param producer     device where the change was made
 * @param seq          its place in the producer's order
 * @param model        registry name
 * @param recordId     the record
 * @param action       INSERT, UPDATE or DELETE
 * @param sender       device that delivered it
 * @param batchId      batch it first arrived in
 * @param receivedAt   when it was stored
 * @param status       RECEIVED, APPLIED, DEFERRED, ERROR, SKIPPED or CONFLICT
 * @param statusReason why it is DEFERRED, ERROR, SKIPPED or CONFLICT
 * @param attempts     apply attempts so far
 * @param appliedAt    when it was applied (or skipped)
 * @param skippedBy    who skipped it
 * @param site         the site it belongs to; absent when none is known
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IncomingTransactionView(
        UUID txId,
        String producer,
        long seq,
        String model,
        UUID recordId,
        String action,
        String sender,
        UUID batchId,
        OffsetDateTime receivedAt,
        String status,
        String statusReason,
        int attempts,
        OffsetDateTime appliedAt,
        String skippedBy,
        String site) {}
