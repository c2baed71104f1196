package io.collectoffline.server.ingest;

import io.collectoffline.codec.DeviceSealingKey;
import io.collectoffline.codec.DeviceSigningKey;
import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.Held;
import io.collectoffline.protocol.InvalidInputException;
import io.collectoffline.protocol.Problem.FieldError;
import io.collectoffline.protocol.ProducerId;
import io.collectoffline.protocol.StreamPosition;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.protocol.TransactionResult;
import io.collectoffline.protocol.TransactionStatus;
import io.collectoffline.protocol.Watermark;
import io.collectoffline.server.apply.ApplyWorker;
import io.collectoffline.server.apply.ProducerApplier;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.config.ServerConfig;
import io.collectoffline.server.devices.Device;
import io.collectoffline.server.ingest.BatchParser.Candidate;
import io.collectoffline.server.ingest.BatchParser.ParsedBatch;
import io.collectoffline.server.store.IncomingStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Receives batches: stores each transaction exactly once by {@code txId} and answers per transaction
 * (DESIGN §5, invariant 4).
 *
 * <p>A batch is stored in one database transaction with a JDBC batch of {@code INSERT … ON CONFLICT DO NOTHING}:
 * rows that were not inserted already exist, and their stored content hash tells a re-send (DUPLICATE) from the
 * same txId with other content (REJECTED, recorded, the original untouched). The answer is given only after the
 * commit, so ACCEPTED and DUPLICATE mean "durably stored" (invariant 3 on the sender's side).
 */
@ApplicationScoped
public class IngestService {

    private static final String INSERT_REJECTED = "INSERT INTO rejected_transaction (tx_id, producer, seq, sender, "
            + "batch_id, content_hash, reason, rejected_at, problem_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final BatchParser parser;
    private final ActiveDatabase database;
    private final ApplyWorker applyWorker;
    private final ProducerApplier applier;
    private final MeterRegistry metrics;
    private final ServerConfig config;
    private final IncomingStore store;

    IngestService(
            BatchParser parser,
            ActiveDatabase database,
            ApplyWorker applyWorker,
            ProducerApplier applier,
            MeterRegistry metrics,
            ServerConfig config,
            IncomingStore store) {
        this.store = store;
        this.config = config;
        this.parser = parser;
        this.database = database;
        this.applyWorker = applyWorker;
        this.applier = applier;
        this.metrics = metrics;
    }

    /**
     * Reads, stores and answers one batch from {@code device}; wakes the apply worker when something new was
     * stored. The sender must be the authenticated device, and a field device may send only its own transactions.
     */
    public BatchResult receive(InputStream body, String contentEncoding, Device device) {
        long started = System.nanoTime();
        ParsedBatch batch = parser.parse(body, contentEncoding);
        if (!batch.sender().equals(device.deviceId())) {
            throw new SenderForbiddenException("The batch's sender '" + batch.sender()
                    + "' is not the authenticated device '" + device.deviceId() + "'");
        }
        if (!device.relays()) {
            for (int i = 0; i < batch.candidates().size(); i++) {
                Candidate candidate = batch.candidates().get(i);
                if (candidate.valid()
                        && !ProducerId.deviceOf(candidate.envelope().producer()).equals(device.deviceId())) {
                    throw new SenderForbiddenException("Field device '" + device.deviceId() + "' may send only its "
                            + "own transactions; transactions[" + i + "] has producer '"
                            + candidate.envelope().producer() + "'");
                }
            }
        }
        // a server device forwarding vouches for the keys of the devices it relays (it enrolled them, or trusts
        // the server that did)
        List<TransactionResult> results = ingest(batch, "server".equals(device.role()) ? device.deviceId() : null);
        Map<TransactionStatus, Integer> counts = new TreeMap<>();
        results.forEach(r -> counts.merge(r.status(), 1, Integer::sum));
        Log.infof(
                "Received batch %s from %s: %d transactions %s in %d ms",
                batch.batchId(), batch.sender(), results.size(), counts, (System.nanoTime() - started) / 1_000_000);
        return new BatchResult(batch.batchId(), results);
    }

    /**
     * Stores checked transactions in one database transaction and answers each after the commit; the path every
     * way in shares (REST batches, imported files). Wakes the apply worker when something new was stored.
     */
    public List<TransactionResult> ingest(ParsedBatch batch) {
        return ingest(batch, null);
    }

    /**
     * As {@link #ingest(ParsedBatch)}, registering the batch's signing keys that are proven, or all of them when a
     * trusted carrier ({@code vouchedBy}: an enrolled server device, an admin's file import) vouches for them.
     */
    public List<TransactionResult> ingest(ParsedBatch batch, String vouchedBy) {
        Stored stored = database.inTransaction("storing batch " + batch.batchId(), connection -> {
            SigningKeys.register(connection, batch.registrations(), vouchedBy);
            return store(connection, batch);
        });
        List<TransactionResult> results = stored.results();
        if (stored.leftToApply() > 0 || stored.gapFilled()) {
            applyWorker.wake();
        }
        for (TransactionResult result : results) {
            metrics.counter(
                            "collect_ingest_transactions_total",
                            "status",
                            result.status().name())
                    .increment();
        }
        return results;
    }

    /**
     * The answers, how many accepted transactions were stored for the apply worker (not applied on receipt), and
     * whether transactions stored before this batch now follow it without a gap (the worker applies them).
     */
    private record Stored(List<TransactionResult> results, int leftToApply, boolean gapFilled) {}

    private Stored store(Connection connection, ParsedBatch batch) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        // one txId twice in a batch with different content: neither is stored, both answers say so
        Map<UUID, Set<String>> contents = new HashMap<>();
        batch.candidates().stream()
                .filter(Candidate::valid)
                .forEach(c ->
                        contents.computeIfAbsent(c.txId(), k -> new HashSet<>()).add(c.contentHash()));
        List<Candidate> twice = batch.candidates().stream()
                .filter(c -> c.valid() && contents.get(c.txId()).size() > 1)
                .toList();
        // each transaction's signature is checked against its device's keys before anything is stored (Guarantees 10)
        List<Candidate> signedOk = new ArrayList<>();
        Map<Candidate, String> badSignature = new java.util.LinkedHashMap<>();
        List<Candidate> unique = batch.candidates().stream()
                .filter(c -> c.valid() && contents.get(c.txId()).size() == 1)
                .toList();
        var keys = SigningKeys.of(
                connection,
                unique.stream().map(c -> c.envelope().producer()).collect(java.util.stream.Collectors.toSet()));
        // checked on every core: the check is most of a batch's CPU on the server (issue 18), and while the server
        // checks, the sender waits and the database is idle
        boolean acceptUnsigned = config.ingest().acceptUnsigned();
        List<String> problems = unique.parallelStream()
                .map(c -> SigningKeys.problem(c.envelope(), keys, acceptUnsigned))
                .toList();
        for (int i = 0; i < unique.size(); i++) {
            if (problems.get(i) == null) {
                signedOk.add(unique.get(i));
            } else {
                badSignature.put(unique.get(i), problems.get(i));
            }
        }
        List<Candidate> valid = stampSites(connection, batch, signedOk);
        store.ensureProducers(
                connection, valid.stream().map(c -> c.envelope().producer()).toList());
        List<IncomingStore.Arrival> arrivals = valid.stream()
                .map(c -> new IncomingStore.Arrival(c.envelope(), c.contentHash()))
                .toList();
        IncomingStore.Receipt receipt = new IncomingStore.Receipt(batch.sender(), batch.batchId(), now);
        ProducerApplier.Received received = applier.storeOnReceipt(
                connection,
                valid.stream().map(Candidate::envelope).toList(),
                (appliedNow, overruled) -> store.insert(connection, receipt, arrivals, appliedNow, overruled));
        int[] inserted = received.inserted();
        Set<UUID> appliedNow = received.appliedNow();
        Map<UUID, TransactionResult> outcome = new HashMap<>();
        List<Candidate> notInserted = new ArrayList<>();
        Map<String, Integer> storedNow = new HashMap<>();
        for (int i = 0; i < valid.size(); i++) {
            if (inserted[i] == 0) {
                notInserted.add(valid.get(i));
            } else {
                outcome.putIfAbsent(
                        valid.get(i).txId(),
                        new TransactionResult(valid.get(i).txId(), TransactionStatus.ACCEPTED, null));
                storedNow.merge(valid.get(i).envelope().producer(), 1, Integer::sum);
            }
        }
        List<Candidate> refused = new ArrayList<>();
        judgeExisting(connection, notInserted, outcome, refused);
        for (Candidate candidate : batch.candidates()) {
            if (!candidate.valid()) {
                refused.add(candidate);
                outcome.put(
                        candidate.txId(),
                        new TransactionResult(candidate.txId(), TransactionStatus.REJECTED, candidate.rejection()));
            }
        }
        for (Map.Entry<Candidate, String> bad : badSignature.entrySet()) {
            refused.add(bad.getKey());
            outcome.put(
                    bad.getKey().txId(),
                    new TransactionResult(
                            bad.getKey().txId(),
                            TransactionStatus.REJECTED,
                            bad.getValue(),
                            SigningKeys.BAD_SIGNATURE));
        }
        for (Candidate candidate : twice) {
            refused.add(candidate);
            outcome.put(
                    candidate.txId(),
                    new TransactionResult(
                            candidate.txId(),
                            TransactionStatus.REJECTED,
                            "txId appears more than once in this batch with different content; none of them was "
                                    + "stored"));
        }
        recordRejections(connection, batch, refused, outcome, now);
        recordDivergences(connection, refused, outcome, now);
        // the batch filled a gap before transactions stored earlier: they are the worker's, at once (not at its
        // next interval)
        boolean gapFilled = advanceProducers(connection, valid, storedNow, now);
        List<TransactionResult> results = new ArrayList<>(batch.candidates().size());
        int leftToApply = 0;
        for (Candidate candidate : batch.candidates()) {
            TransactionResult result = outcome.get(candidate.txId());
            results.add(result);
            if (result.status() == TransactionStatus.ACCEPTED && !appliedNow.contains(candidate.txId())) {
                leftToApply++;
            }
        }
        return new Stored(results, leftToApply, gapFilled);
    }

    /**
     * Stamps each transaction with the site it belongs to: its producer's site when the producer is a device
     * enrolled here with one; else the site it carries (stamped by the server that stored it first, relayed here);
     * else the site of the device that sent it (a middleman or site server enrolled here with one). Without any of
     * these it has none.
     */
    private static List<Candidate> stampSites(Connection connection, ParsedBatch batch, List<Candidate> valid)
            throws SQLException {
        Set<String> devices = new TreeSet<>();
        devices.add(batch.sender());
        valid.forEach(c -> devices.add(ProducerId.deviceOf(c.envelope().producer())));
        Map<String, String> siteOf = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT device_id, site FROM device WHERE site IS NOT NULL AND device_id = ANY (?)")) {
            ps.setArray(1, connection.createArrayOf("varchar", devices.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    siteOf.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        if (siteOf.isEmpty()) {
            return valid; // each keeps the site it carries, if any
        }
        String senderSite = siteOf.get(batch.sender());
        List<Candidate> stamped = new ArrayList<>(valid.size());
        for (Candidate c : valid) {
            TransactionEnvelope e = c.envelope();
            String site =
                    siteOf.getOrDefault(ProducerId.deviceOf(e.producer()), e.site() != null ? e.site() : senderSite);
            stamped.add(
                    Objects.equals(site, e.site()) ? c : new Candidate(c.txId(), e.withSite(site), c.contentHash()));
        }
        return stamped;
    }

    /**
     * Classifies transactions that were not inserted: a re-send (DUPLICATE), the same txId with other content
     * (refused and flagged), or a seq its producer already used for another transaction (refused as
     * {@link TransactionResult#SEQ_TAKEN}: the producer's stream diverged, README Guarantees 8). A transaction its
     * device re-issued on a new stream is the same transaction as its copy under the first numbering, which a relay
     * may still carry: either one found stored makes the other a DUPLICATE.
     */
    private void judgeExisting(
            Connection connection,
            List<Candidate> notInserted,
            Map<UUID, TransactionResult> outcome,
            List<Candidate> refused)
            throws SQLException {
        if (notInserted.isEmpty()) {
            return;
        }
        Map<UUID, IncomingStore.StoredIdentity> stored = store.identities(
                connection, notInserted.stream().map(Candidate::txId).toList());
        for (Candidate candidate : notInserted) {
            IncomingStore.StoredIdentity identity = stored.get(candidate.txId());
            String hash = identity == null ? null : identity.contentHash();
            TransactionEnvelope e = candidate.envelope();
            StreamPosition at = new StreamPosition(e.producer(), e.seq());
            TransactionResult result;
            if (candidate.contentHash().equals(hash)) {
                result = new TransactionResult(candidate.txId(), TransactionStatus.DUPLICATE, null);
            } else if (hash != null
                    && (at.equals(identity.reissuedFrom()) || identity.at().equals(e.reissuedFrom()))) {
                result = new TransactionResult(candidate.txId(), TransactionStatus.DUPLICATE, null);
            } else if (hash != null) {
                result = new TransactionResult(
                        candidate.txId(),
                        TransactionStatus.REJECTED,
                        "txId already stored with other content; refused and flagged, the stored one is kept");
                refused.add(candidate);
            } else {
                String skipped = store.skippedAsMissing(connection, e.producer(), e.seq());
                result = skipped != null
                        ? new TransactionResult(
                                candidate.txId(),
                                TransactionStatus.REJECTED,
                                skipped + "; this transaction is not applied")
                        : new TransactionResult(
                                candidate.txId(),
                                TransactionStatus.REJECTED,
                                "seq " + e.seq()
                                        + " of producer " + e.producer()
                                        + " already belongs to another transaction: this "
                                        + "producer's stream diverged from what this server holds (restored backup, "
                                        + "reinstall or "
                                        + "cloned laptop image); the device re-issues its change on a new stream",
                                TransactionResult.SEQ_TAKEN);
                refused.add(candidate);
            }
            TransactionResult first = outcome.putIfAbsent(candidate.txId(), result);
            if (first != null
                    && first.status() != TransactionStatus.REJECTED
                    && result.status() == TransactionStatus.REJECTED) {
                outcome.put(candidate.txId(), result); // same txId twice in one batch with other content
            }
        }
    }

    /** Marks each producer one of whose seqs was claimed by another transaction (status, admin page, metric). */
    private void recordDivergences(
            Connection connection, List<Candidate> refused, Map<UUID, TransactionResult> outcome, OffsetDateTime now)
            throws SQLException {
        Map<String, long[]> diverged = new TreeMap<>();
        for (Candidate candidate : refused) {
            TransactionResult result = outcome.get(candidate.txId());
            if (candidate.envelope() != null && TransactionResult.SEQ_TAKEN.equals(result.type())) {
                long[] seen =
                        diverged.computeIfAbsent(candidate.envelope().producer(), p -> new long[] {Long.MAX_VALUE, 0});
                seen[0] = Math.min(seen[0], candidate.envelope().seq());
                seen[1]++;
            }
        }
        if (diverged.isEmpty()) {
            return;
        }
        for (Map.Entry<String, long[]> producer : diverged.entrySet()) {
            store.markDiverged(connection, producer.getKey(), producer.getValue()[0], producer.getValue()[1], now);
            Log.warnf(
                    "Producer %s diverged: %d of its seqs (from %d) were claimed by other transactions",
                    producer.getKey(), producer.getValue()[1], producer.getValue()[0]);
        }
    }

    private static void recordRejections(
            Connection connection,
            ParsedBatch batch,
            List<Candidate> refused,
            Map<UUID, TransactionResult> outcome,
            OffsetDateTime now)
            throws SQLException {
        if (refused.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(INSERT_REJECTED)) {
            for (Candidate candidate : refused) {
                StreamPosition claimed = candidate.claimed();
                ps.setObject(1, candidate.txId());
                ps.setString(2, claimed == null ? null : claimed.producer());
                ps.setObject(3, claimed == null ? null : claimed.seq(), Types.BIGINT);
                ps.setString(4, batch.sender());
                ps.setObject(5, batch.batchId());
                ps.setString(6, candidate.contentHash());
                ps.setString(
                        7, BatchParser.printable(outcome.get(candidate.txId()).reason()));
                ps.setObject(8, now);
                ps.setString(9, outcome.get(candidate.txId()).type());
                ps.addBatch();
                Log.warnf(
                        "Rejected transaction %s from %s in batch %s: %s",
                        candidate.txId(),
                        batch.sender(),
                        batch.batchId(),
                        outcome.get(candidate.txId()).reason());
            }
            ps.executeBatch();
        }
    }

    /**
     * Moves each producer's stored watermark over the seqs now contiguous. The producer row is locked (producers
     * in a fixed order, so concurrent batches cannot deadlock); apply keeps its own cursor row and never waits here.
     * Returns whether a watermark moved past this batch's transactions, over ones stored before it that wait for the
     * apply worker (a batch that arrived before the one before it, two batches in flight).
     */
    private boolean advanceProducers(
            Connection connection, List<Candidate> valid, Map<String, Integer> storedNow, OffsetDateTime now)
            throws SQLException {
        Map<String, Long> maxSeq = new TreeMap<>(); // producers in a fixed order: concurrent batches cannot deadlock
        Map<String, String> site = new HashMap<>();
        for (Candidate candidate : valid) {
            maxSeq.merge(candidate.envelope().producer(), candidate.envelope().seq(), Math::max);
            if (candidate.envelope().site() != null) {
                site.put(candidate.envelope().producer(), candidate.envelope().site());
            }
        }
        boolean pastThisBatch = false;
        for (Map.Entry<String, Long> producer : maxSeq.entrySet()) {
            long watermark = store.advanceProducer(
                    connection,
                    producer.getKey(),
                    producer.getValue(),
                    site.get(producer.getKey()),
                    storedNow.getOrDefault(producer.getKey(), 0),
                    now);
            pastThisBatch |= watermark > producer.getValue();
        }
        return pastThisBatch;
    }

    /** The signing keys of the devices of {@code producers}, vouched for by this server, to pass on upstream. */
    public List<io.collectoffline.protocol.KeyRegistration> registrationsFor(Set<String> producers) {
        try (Connection connection = database.dataSource().getConnection()) {
            return SigningKeys.vouchFor(connection, producers);
        } catch (SQLException e) {
            throw new IllegalStateException("reading signing keys failed", e);
        }
    }

    /**
     * Registers the calling device's own keys outside a batch — a laptop with nothing to send registers its sealing
     * key before its first down-sync (ADR 14). Only with a proof made with the caller's own token.
     *
     * @throws SenderForbiddenException when the registration is another device's
     * @throws InvalidInputException     when it is malformed or its proof does not verify
     */
    public void registerKeys(Device caller, io.collectoffline.protocol.KeyRegistration registration) {
        if (registration == null) {
            throw new InvalidInputException(
                    "A key registration is required", List.of(new FieldError("body", "required")));
        }
        if (!caller.deviceId().equals(registration.deviceId())) {
            throw new SenderForbiddenException(
                    "Device " + caller.deviceId() + " may register only its own keys, not " + registration.deviceId());
        }
        List<FieldError> errors = new ArrayList<>();
        if (registration.keyId() == null
                || registration.publicKey() == null
                || !registration.keyId().equals(DeviceSigningKey.keyIdOf(registration.publicKey()))) {
            errors.add(new FieldError("keyId", "required, with publicKey: the first 16 hex digits of its SHA-256"));
        }
        if (registration.sealingKey() != null && !DeviceSealingKey.isPublicKey(registration.sealingKey())) {
            errors.add(new FieldError("sealingKey", "must be an X25519 public key"));
        }
        if (registration.proof() == null || registration.proof().length() > 100) {
            errors.add(new FieldError("proof", "required, made with this device's token"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException("The key registration cannot be taken", errors);
        }
        boolean proven = database.inTransaction(
                "registering the keys of " + caller.deviceId(),
                connection -> SigningKeys.registerProven(connection, registration));
        if (!proven) {
            throw new InvalidInputException(
                    "The key registration's proof does not verify with this device's token",
                    List.of(new FieldError("proof", "does not verify")));
        }
    }

    /** Registers this server's own signing key (it produces changes made here, Guarantees 11). */
    public void registerOwnKey(String nodeId, io.collectoffline.codec.DeviceSigningKey key) {
        try (Connection connection = database.dataSource().getConnection()) {
            SigningKeys.registerOwn(connection, nodeId, key);
        } catch (SQLException e) {
            throw new IllegalStateException("registering this server's signing key failed", e);
        }
    }

    /**
     * Which of {@code txIds} this server holds as transactions of {@code producer} (or re-issued from it): delivery
     * is confirmed by identity, never by seq alone (README, Guarantees 8).
     */
    public Held held(String producer, List<UUID> txIds) {
        return store.held(producer, txIds);
    }

    /** How far this server holds a producer's transactions without a gap (0 for an unknown producer). */
    public Watermark watermark(String producer) {
        return new Watermark(producer, store.storedWatermark(producer));
    }
}
