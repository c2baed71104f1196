package io.collectoffline.server.model;

import io.collectoffline.codec.PayloadCodec;
import io.collectoffline.codec.PayloadRejectedException;
import io.collectoffline.codec.PlainJsonCodec;
import io.collectoffline.offline.RecordSnapshot;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.server.config.ServerConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Opens a transaction's payload into its record snapshot and checks that it is the record the envelope names.
 * Used when a batch arrives (so a bad payload is refused while the sender can still hear it) and when applying.
 */
@ApplicationScoped
public class PayloadOpener {

    private final ServerConfig config;
    private final PayloadCodec plain = new PlainJsonCodec();

    PayloadOpener(ServerConfig config) {
        this.config = config;
    }

    /**
     * @throws PayloadRejectedException naming what is wrong: unknown key, unreadable payload, or a snapshot of
     *                                   another model or record than the envelope says
     */
    public RecordSnapshot open(TransactionEnvelope envelope) {
        PayloadCodec codec = codecFor(envelope.keyId());
        RecordSnapshot snapshot;
        try {
            snapshot = RecordSnapshot.fromJson(codec.open(envelope.header(), envelope.keyId(), envelope.payload()));
        } catch (IllegalArgumentException e) {
            throw new PayloadRejectedException("payload is not a record snapshot: " + e.getMessage());
        }
        if (!snapshot.model().equals(envelope.model())) {
            throw new PayloadRejectedException("payload is a " + snapshot.model() + " record but the envelope says "
                    + envelope.model());
        }
        if (!envelope.recordId().toString().equals(snapshot.fields().path("id").asText())) {
            throw new PayloadRejectedException("payload is record " + snapshot.fields().path("id").asText()
                    + " but the envelope says " + envelope.recordId());
        }
        return snapshot;
    }

    private PayloadCodec codecFor(String keyId) {
        if (PlainJsonCodec.NAME.equals(keyId)) {
            if (!config.ingest().acceptPlainJson()) {
                throw new PayloadRejectedException("unencrypted plain-json payloads are not accepted here "
                        + "(sync.server.ingest.accept-plain-json=false)");
            }
            return plain;
        }
        throw new PayloadRejectedException("unknown keyId '" + keyId + "'");
    }
}
