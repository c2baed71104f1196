package io.collectoffline.server.model;

import io.collectoffline.codec.PayloadCodec;
import io.collectoffline.codec.PayloadRejectedException;
import io.collectoffline.codec.PlainJsonCodec;
import io.collectoffline.offline.RecordSnapshot;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.server.config.ServerConfig;
import io.collectoffline.server.keys.ServerKeys;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Opens a transaction's payload into its record snapshot and checks that it is the record the envelope names:
 * {@code plain-json} as it is (when accepted), anything else with the server's key ring (sealed payloads).
 * Used when a batch arrives (so a bad payload is refused while the sender can still hear it) and when applying.
 */
@ApplicationScoped
public class PayloadOpener {

    private final ServerConfig config;
    private final ServerKeys keys;
    private final PayloadCodec plain = new PlainJsonCodec();

    PayloadOpener(ServerConfig config, ServerKeys keys) {
        this.config = config;
        this.keys = keys;
    }

    /**
     * @throws PayloadRejectedException naming what is wrong: unknown key, unreadable payload, or a snapshot of
     *                                   another model or record than the envelope says
     */
    public RecordSnapshot open(TransactionEnvelope envelope) {
        byte[] plaintext = plaintext(envelope);
        RecordSnapshot snapshot;
        try {
            snapshot = RecordSnapshot.fromJson(plaintext);
        } catch (IllegalArgumentException e) {
            throw new PayloadRejectedException("payload is not a record snapshot: " + e.getMessage());
        }
        if (!snapshot.model().equals(envelope.model())) {
            throw new PayloadRejectedException(
                    "payload is a " + snapshot.model() + " record but the envelope says " + envelope.model());
        }
        if (!envelope.recordId().toString().equals(snapshot.fields().path("id").asText())) {
            throw new PayloadRejectedException("payload is record "
                    + snapshot.fields().path("id").asText() + " but the envelope says " + envelope.recordId());
        }
        return snapshot;
    }

    /**
     * The payload's plaintext, unparsed (what the down-sync seals again to a device).
     *
     * @throws PayloadRejectedException when it cannot be opened
     */
    public byte[] plaintext(TransactionEnvelope envelope) {
        return PlainJsonCodec.NAME.equals(envelope.keyId())
                ? plainCodec().open(envelope.header(), envelope.keyId(), envelope.payload())
                : keys.ring().open(envelope.header(), envelope.keyId(), envelope.payload());
    }

    private PayloadCodec plainCodec() {
        if (!config.ingest().acceptPlainJson()) {
            throw new PayloadRejectedException("unencrypted plain-json payloads are not accepted here "
                    + "(sync.server.ingest.accept-plain-json=false)");
        }
        return plain;
    }
}
