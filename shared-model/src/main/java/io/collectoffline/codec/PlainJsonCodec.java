package io.collectoffline.codec;

import io.collectoffline.protocol.TransactionHeader;

/**
 * The unencrypted codec: the payload is the snapshot's JSON as it is. Anyone holding the queue, a file or the
 * traffic can read it, so it must be chosen explicitly ({@code sync.client.payload.codec=plain-json}); it exists
 * for development and for studies whose data is not personal.
 */
public final class PlainJsonCodec implements PayloadCodec {

    /** Configuration name and {@code keyId} of this codec. */
    public static final String NAME = "plain-json";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SealedPayload seal(TransactionHeader header, byte[] plaintext) {
        return new SealedPayload(NAME, plaintext.clone());
    }

    @Override
    public byte[] open(TransactionHeader header, String keyId, byte[] payload) {
        if (!NAME.equals(keyId)) {
            throw new PayloadRejectedException("payload keyId '" + keyId + "' is not " + NAME);
        }
        return payload.clone();
    }
}
