package io.collectoffline.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A transaction a server refused on arrival ({@code GET /api/v1/refusals}): never stored, never applied.
 *
 * @param txId       the transaction (absent when it had none readable)
 * @param producer   its producer, when readable
 * @param seq        its seq, when readable
 * @param sender     the device that delivered it (the producer, or a relay)
 * @param batchId    the batch (or file) it came in
 * @param reason     why it was refused
 * @param refusedAt  when
 * @param type       a stable problem type for refusals a sender acts on (e.g. seq-taken); absent otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Refusal(
        UUID txId,
        String producer,
        Long seq,
        String sender,
        UUID batchId,
        String reason,
        OffsetDateTime refusedAt,
        String type) {}
