package io.collectoffline.client.records;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One change in a record's history.
 *
 * @param action    INSERT, UPDATE or DELETE
 * @param txId      the outgoing transaction of the change; null when capture was off
 * @param seq       its seq; null when capture was off
 * @param changedAt when (this laptop's clock)
 * @param changedBy who (the user named by the request, or the configured default)
 * @param deviceId  which device
 * @param hostname  which machine
 * @param changes   {@code {column: {"from": old, "to": new}}} of each changed column
 */
public record HistoryEntry(
        String action,
        UUID txId,
        Long seq,
        OffsetDateTime changedAt,
        String changedBy,
        String deviceId,
        String hostname,
        JsonNode changes) {}
