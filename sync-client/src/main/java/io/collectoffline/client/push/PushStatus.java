package io.collectoffline.client.push;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;

/**
 * The push's state as the status reports it.
 *
 * @param server                 where this laptop pushes; null when none is configured
 * @param interval               scheduled push interval, or {@code off}
 * @param running                a push is in progress
 * @param batch                  batch being sent (1-based) during a push
 * @param batches                batches expected in this push
 * @param sent                   transactions answered so far in this push
 * @param transactionsPerSecond  rate of this push so far
 * @param batchSize              most transactions per batch now: {@code sync.client.push.max-transactions}, or less
 *                               once the link was slow (halved after a timeout or a 413, kept until a restart)
 * @param lastPush               how the last finished push went
 * @param consecutiveFailures    transient failures in a row
 * @param nextAttemptAt          earliest next scheduled attempt after failures (backoff)
 * @param authProblem            why pushing stopped (the server refused the credentials); null when fine
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PushStatus(
        String server,
        String interval,
        boolean running,
        Integer batch,
        Integer batches,
        Integer sent,
        Double transactionsPerSecond,
        int batchSize,
        PushReport lastPush,
        int consecutiveFailures,
        OffsetDateTime nextAttemptAt,
        String authProblem) {}
