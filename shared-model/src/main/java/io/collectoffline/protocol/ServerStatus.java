package io.collectoffline.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A server's sync status ({@code GET /api/v1/status}).
 *
 * @param counts           stored transactions per status
 * @param rejected         refused submissions recorded
 * @param applyLagSeconds  age of the oldest stored transaction not yet applied (0 when none)
 * @param producers        progress per producer
 */
public record ServerStatus(Map<String, Long> counts, long rejected, long applyLagSeconds,
        List<ProducerProgress> producers) {

    /**
     * One producer's progress.
     *
     * @param producer        device id
     * @param storedWatermark highest seq with every seq up to it stored
     * @param maxSeq          highest seq stored
     * @param appliedSeq      highest seq applied or skipped
     * @param waitingForSeq   the missing seq that holds apply back (a gap), when there is one
     * @param blockedBy       the transaction that holds apply back (DEFERRED or ERROR), when there is one
     * @param lastReceivedAt  when a transaction of it last arrived
     * @param lastAppliedAt   when one was last applied
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ProducerProgress(String producer, long storedWatermark, long maxSeq, long appliedSeq,
            Long waitingForSeq, Blocker blockedBy, OffsetDateTime lastReceivedAt, OffsetDateTime lastAppliedAt) {
    }

    /**
     * The transaction at the head of a producer's queue that cannot be applied yet.
     *
     * @param txId   the transaction
     * @param seq    its seq
     * @param status DEFERRED or ERROR
     * @param reason why
     */
    public record Blocker(UUID txId, long seq, String status, String reason) {
    }
}
