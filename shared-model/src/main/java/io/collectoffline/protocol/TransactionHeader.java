package io.collectoffline.protocol;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The metadata of a transaction that its payload is bound to.
 *
 * @param txId     idempotency key, minted at capture, the same on every hop forever
 * @param producer device id of the node where the change was made (not a relay)
 * @param seq      per-producer, gap-free, increasing in commit order
 * @param model    registry name of the changed record's model
 * @param recordId the changed record's UUID
 * @param action   what the change did
 */
public record TransactionHeader(UUID txId, String producer, long seq, String model, UUID recordId, Action action) {

    /**
     * The bytes a sealing codec authenticates with the payload, so that no metadata field can be swapped onto
     * another payload: {@code txId|producer|seq|model|recordId|action}.
     */
    public byte[] associatedData() {
        return (txId + "|" + producer + "|" + seq + "|" + model + "|" + recordId + "|" + action)
                .getBytes(StandardCharsets.UTF_8);
    }
}
