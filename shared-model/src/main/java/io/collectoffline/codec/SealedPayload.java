package io.collectoffline.codec;

/**
 * A sealed snapshot and the key it was sealed with.
 *
 * @param keyId the envelope's {@code keyId}
 * @param bytes the envelope's {@code payload}
 */
public record SealedPayload(String keyId, byte[] bytes) {}
