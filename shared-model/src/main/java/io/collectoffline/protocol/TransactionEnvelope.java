package io.collectoffline.protocol;

import java.time.Instant;
import java.util.UUID;

/**
 * One change of one record, as it travels between nodes (DESIGN §4). Relays pass it on unchanged.
 *
 * @param txId       idempotency key
 * @param producer   device id of the node where the change was made
 * @param seq        per-producer, gap-free, increasing in commit order
 * @param model      registry name
 * @param recordId   the record's UUID
 * @param action     INSERT, UPDATE or DELETE
 * @param capturedAt producer's clock at capture; informational only, never used for ordering
 * @param keyId      which key (or codec) sealed the payload
 * @param payload    sealed record snapshot; base64 in JSON
 */
public record TransactionEnvelope(
        UUID txId,
        String producer,
        long seq,
        String model,
        UUID recordId,
        Action action,
        Instant capturedAt,
        String keyId,
        byte[] payload) {

    public TransactionHeader header() {
        return new TransactionHeader(txId, producer, seq, model, recordId, action);
    }
}
