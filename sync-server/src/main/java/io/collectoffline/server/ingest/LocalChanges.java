package io.collectoffline.server.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.codec.DeviceSigningKey;
import io.collectoffline.codec.SealedCodec;
import io.collectoffline.codec.SealedPayload;
import io.collectoffline.offline.RecordSnapshot;
import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.ProducerId;
import io.collectoffline.protocol.TimeOrderedUuid;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.protocol.TransactionHeader;
import io.collectoffline.protocol.TransactionResult;
import io.collectoffline.protocol.TransactionStatus;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.config.ServerConfig;
import io.collectoffline.server.ingest.BatchParser.Candidate;
import io.collectoffline.server.ingest.BatchParser.ParsedBatch;
import io.collectoffline.server.keys.ServerKeys;
import io.collectoffline.server.model.ServerModels;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Changes made on this server (a lab assistant's receipt, …) are captured transactions like a laptop's (README,
 * Guarantees 11): this server is their producer with its own gap-free seq; the record snapshot is sealed to the study
 * key, stored and applied through the same ingest path as any batch, so it has its history and is forwarded and
 * exported like every other transaction. No side writes.
 *
 * <p>Each run of this server captures on a stream of its own ({@code <node-id>~<stream>}, from seq 1), chosen at its
 * first change: a server restored from a backup, or a second instance on the same database, never numbers a change
 * with a seq that the upstream holds with another one (README, Guarantees 24; ADR 20).
 */
@ApplicationScoped
public class LocalChanges {

    private final IngestService ingest;
    private final ActiveDatabase database;
    private final ServerConfig config;
    private final ServerKeys keys;
    private final ServerModels models;
    private final ObjectMapper json;
    private DeviceSigningKey signingKey;
    private SealedCodec codec;
    /** The stream this run captures on; null until its first change. */
    private String stream;

    LocalChanges(
            IngestService ingest,
            ActiveDatabase database,
            ServerConfig config,
            ServerKeys keys,
            ServerModels models,
            ObjectMapper json) {
        this.json = json;
        this.ingest = ingest;
        this.database = database;
        this.config = config;
        this.keys = keys;
        this.models = models;
    }

    /**
     * Captures and applies one change made here; returns its answer. One at a time per instance (the seq comes from
     * the stored ones); a seq taken meanwhile (which only a stream name drawn twice could do) moves to a new stream.
     */
    public synchronized TransactionResult capture(String model, UUID recordId, Action action, ObjectNode fields) {
        int schemaVersion = models.table(model).model().schemaVersion();
        byte[] snapshot = new RecordSnapshot(model, schemaVersion, fields).toJson();
        for (int attempt = 0; attempt < 5; attempt++) {
            String producer = stream();
            UUID txId = TimeOrderedUuid.next();
            long seq = nextSeq(producer);
            TransactionHeader header = new TransactionHeader(txId, producer, seq, model, recordId, action);
            SealedPayload sealed = codec().seal(header, snapshot);
            TransactionEnvelope envelope = signingKey()
                    .signed(new TransactionEnvelope(
                            txId,
                            producer,
                            seq,
                            model,
                            recordId,
                            action,
                            Instant.now(),
                            sealed.keyId(),
                            sealed.bytes()));
            TransactionResult result = ingest.ingest(new ParsedBatch(
                            UUID.randomUUID(),
                            producer,
                            List.of(new Candidate(txId, envelope, BatchParser.contentHash(envelope)))))
                    .get(0);
            if (!TransactionResult.SEQ_TAKEN.equals(result.type())) {
                return result;
            }
            stream = null;
        }
        return new TransactionResult(
                null,
                TransactionStatus.REJECTED,
                "no free seq for the changes of " + config.nodeId() + " after 5 streams");
    }

    /** The stream this run captures on: a new one at its first change, from seq 1. */
    private String stream() {
        if (stream == null) {
            stream = ProducerId.newStream(config.nodeId());
            Log.infof("Changes made on this server are captured on the stream %s from now on", stream);
        }
        return stream;
    }

    /** This server's signing key as a producer ({@link ServerKeys#signingKey}), registered here on first use. */
    private DeviceSigningKey signingKey() {
        if (signingKey == null) {
            DeviceSigningKey key = keys.signingKey();
            ingest.registerOwnKey(config.nodeId(), key);
            signingKey = key;
        }
        return signingKey;
    }

    /**
     * The codec sealing this server's changes to the study key: one data key per epoch like a laptop's (no
     * asymmetric operation per change, DESIGN §7), made anew when the study key was rotated.
     */
    private SealedCodec codec() {
        if (codec == null || !codec.serverKeyId().equals(keys.current().keyId())) {
            codec = new SealedCodec(keys.current(), 10_000, Duration.ofHours(24));
        }
        return codec;
    }

    private long nextSeq(String producer) {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT max_seq FROM producer_state WHERE producer = ?")) {
            ps.setString(1, producer);
            try (ResultSet rs = ps.executeQuery()) {
                return (rs.next() ? rs.getLong(1) : 0) + 1;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the seq of " + producer + " failed", e);
        }
    }
}
