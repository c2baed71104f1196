package io.collectoffline.client.push;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;

/**
 * How one push went.
 *
 * @param outcome              DELIVERED (everything sendable sent and answered), NOTHING_TO_SEND, FAILED
 *                             (transient; retried with backoff), AUTH_FAILED (stopped), NO_SERVER
 * @param startedAt            when it started
 * @param finishedAt           when it ended
 * @param batches              batches sent
 * @param accepted             transactions the server stored now
 * @param duplicate            transactions the server already had
 * @param rejected             transactions the server refused
 * @param deliveredByWatermark transactions the server already held from another route, not sent again (confirmed
 *                             by txId after its watermark said it might hold them)
 * @param error                what went wrong, for FAILED and AUTH_FAILED
 * @param reissued             transactions re-issued on a new stream because the server held their seq with
 *                             another transaction (this laptop's stream diverged: restored backup, reinstall,
 *                             cloned image); absent when none
 * @param divergence           what happened, in plain words, when the push met a divergence; absent otherwise
 * @param resent               transactions the server had confirmed and no longer held (restored from a backup),
 *                             made pending again and sent; absent when none
 * @param serverLost           what happened, in plain words, when the server had lost confirmed transactions;
 *                             absent otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PushReport(
        String outcome,
        OffsetDateTime startedAt,
        OffsetDateTime finishedAt,
        int batches,
        int accepted,
        int duplicate,
        int rejected,
        int deliveredByWatermark,
        String error,
        Integer reissued,
        String divergence,
        Integer resent,
        String serverLost) {

    public PushReport(
            String outcome,
            OffsetDateTime startedAt,
            OffsetDateTime finishedAt,
            int batches,
            int accepted,
            int duplicate,
            int rejected,
            int deliveredByWatermark,
            String error) {
        this(
                outcome,
                startedAt,
                finishedAt,
                batches,
                accepted,
                duplicate,
                rejected,
                deliveredByWatermark,
                error,
                null,
                null,
                null,
                null);
    }
}
