package io.collectoffline.codec;

import io.collectoffline.protocol.TransactionHeader;

/**
 * Turns a record snapshot into the bytes that travel in a transaction's {@code payload}, and back.
 *
 * <p>A node that only relays never calls a codec: it passes payloads through unchanged.
 */
public interface PayloadCodec {

    /** Name used in configuration ({@code sync.client.payload.codec}). */
    String name();

    /**
     * Seals a snapshot for the transaction described by {@code header}; the result names the key used, which
     * becomes the envelope's {@code keyId} (and is authenticated with the payload).
     */
    SealedPayload seal(TransactionHeader header, byte[] plaintext);

    /**
     * Opens a payload sealed with {@code keyId} for the transaction described by {@code header}.
     *
     * @throws PayloadRejectedException when the payload cannot be opened (unknown key, tampering)
     */
    byte[] open(TransactionHeader header, String keyId, byte[] payload);
}
