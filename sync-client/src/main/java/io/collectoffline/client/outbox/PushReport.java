package io.collectoffline.client.outbox;

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
 * @param deliveredByWatermark transactions the server already held from another route, not sent again
 * @param error                what went wrong, for FAILED and AUTH_FAILED
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PushReport(String outcome, OffsetDateTime startedAt, OffsetDateTime finishedAt, int batches,
        int accepted, int duplicate, int rejected, int deliveredByWatermark, String error) {
}
