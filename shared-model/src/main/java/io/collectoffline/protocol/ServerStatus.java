package io.collectoffline.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A server's sync status ({@code GET /api/v1/status}), whole or for one site.
 *
 * @param site             the site the figures are limited to (its producers); absent for the whole server
 * @param counts           stored transactions per status
 * @param rejected         refused submissions recorded
 * @param applyLagSeconds  age of the oldest stored transaction not yet applied (0 when none)
 * @param producers        progress per producer
 * @param conflicts        conflicting edits met (see {@code GET /api/v1/conflicts})
 * @param transfer         forwarding and files towards the upstream server, and files imported here (always the
 *                         whole server's)
 * @param producersNotListed producers left out of {@code producers} because the list is capped
 *                           ({@code sync.server.status.max-producers}, by producer id); absent when none are
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServerStatus(
        String site,
        Map<String, Long> counts,
        long rejected,
        long applyLagSeconds,
        List<ProducerProgress> producers,
        long conflicts,
        Transfer transfer,
        Long producersNotListed) {

    /** The same status with the transfer part filled in. */
    public ServerStatus withTransfer(Transfer transfer) {
        return new ServerStatus(
                site, counts, rejected, applyLagSeconds, producers, conflicts, transfer, producersNotListed);
    }

    /**
     * Forwarding and files.
     *
     * @param forwardBacklog         stored transactions not yet acknowledged by the upstream; absent on a server
     *                               that sends nothing upstream (no upstream URL, no export schedule, no export
     *                               ever made)
     * @param forwardRejected        transactions the upstream refused (with reasons on the transactions)
     * @param exportsAwaitingReceipt export files whose receipt has not come back
     * @param missingPreviousBatches batches named as "previous" by an imported file but never imported here
     * @param quarantinedFiles       files refused whole (see {@code GET /api/v1/files})
     * @param inProgress             a long export or import running now, with how far it has got
     * @param upstream               how the link to the upstream stands; absent without an upstream URL
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Transfer(
            Long forwardBacklog,
            long forwardRejected,
            long exportsAwaitingReceipt,
            List<UUID> missingPreviousBatches,
            long quarantinedFiles,
            String inProgress,
            Link upstream) {}

    /**
     * How a link to a next hop stands.
     *
     * @param failures      failed passes in a row (0: the last pass went through)
     * @param nextAttemptAt when the schedule tries again after failures (capped exponential backoff with jitter)
     * @param authProblem   the next hop refused this node's credentials: nothing goes until they are fixed
     * @param lastError     what the last failed pass met
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Link(int failures, java.time.Instant nextAttemptAt, String authProblem, String lastError) {}

    /**
     * One producer's progress.
     *
     * @param producer        device id
     * @param site            the site of its latest stored transaction; absent when none
     * @param storedWatermark highest seq with every seq up to it stored
     * @param maxSeq          highest seq stored
     * @param appliedSeq      highest seq applied or skipped
     * @param waitingForSeq   the missing seq that holds apply back (a gap), when there is one
     * @param blockedBy       the transaction that holds apply back (DEFERRED, ERROR or CONFLICT), when there is one
     * @param lastReceivedAt  when a transaction of it last arrived
     * @param lastAppliedAt   when one was last applied
     * @param diverged        when another transaction claimed one of its seqs (its device was restored from a
     *                        backup, reinstalled with the same id, or cloned): the claim was refused, and the device
     *                        re-issues its changes on a new stream ({@code <device>~<stream>}); absent otherwise
     * @param waitingReason   why {@code waitingForSeq} is missing and what to do: refused on arrival (what, why, when,
     *                        from which device) or not arrived yet; absent when nothing waits
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ProducerProgress(
            String producer,
            String site,
            long storedWatermark,
            long maxSeq,
            long appliedSeq,
            Long waitingForSeq,
            Blocker blockedBy,
            OffsetDateTime lastReceivedAt,
            OffsetDateTime lastAppliedAt,
            Divergence diverged,
            String waitingReason) {}

    /**
     * A producer whose seqs were claimed by other transactions.
     *
     * @param at      the first time
     * @param fromSeq the lowest seq claimed
     * @param claims  refused claims so far
     * @param note    what it means and what to do, in plain words
     */
    public record Divergence(OffsetDateTime at, long fromSeq, long claims, String note) {}

    /**
     * The transaction at the head of a producer's queue that cannot be applied yet.
     *
     * @param txId   the transaction
     * @param seq    its seq
     * @param status DEFERRED, ERROR or CONFLICT
     * @param reason why
     */
    public record Blocker(UUID txId, long seq, String status, String reason) {}
}
