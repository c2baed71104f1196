package io.collectoffline.client.outbox;

import java.time.OffsetDateTime;

/**
 * What the outbox holds, for the status and the metrics.
 *
 * @param producer                the producer new transactions are captured on
 * @param pending                 transactions not yet acknowledged by the next hop (including rejected ones)
 * @param oldestPendingCapturedAt capture time of the oldest pending transaction, null when none
 * @param oldestPendingAgeSeconds its age in seconds, null when none
 * @param lastSeq                 highest seq captured on {@code producer} so far (0 before the first change)
 * @param rejected                pending transactions the server refused
 * @param consumedByMiddleman     pending transactions a middleman has pulled and stored
 * @param relayedPending          on a middleman: pending transactions pulled from field laptops
 */
public record OutboxFigures(
        String producer,
        long pending,
        OffsetDateTime oldestPendingCapturedAt,
        Long oldestPendingAgeSeconds,
        long lastSeq,
        long rejected,
        long consumedByMiddleman,
        long relayedPending) {}
