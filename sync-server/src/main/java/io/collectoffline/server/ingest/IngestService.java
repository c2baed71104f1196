package io.collectoffline.server.ingest;

import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.Held;
import io.collectoffline.protocol.ProducerId;
import io.collectoffline.protocol.StreamPosition;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.protocol.TransactionResult;
import io.collectoffline.protocol.TransactionStatus;
import io.collectoffline.protocol.Watermark;
import io.collectoffline.server.apply.ApplyWorker;
import io.collectoffline.server.apply.IncomingAdminService;
import io.collectoffline.server.apply.ProducerApplier;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.devices.Device;
import io.collectoffline.server.ingest.BatchParser.Candidate;
import io.collectoffline.server.ingest.BatchParser.ParsedBatch;
import io.collectoffline.server.store.StoredWatermarks;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
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

    private static final String INSERT_COLUMNS = "INSERT INTO incoming_transaction (tx_id, producer, seq, model, "
            + "record_id, action, captured_at, key_id, payload, content_hash, sender, batch_id, received_at, status, "
            + "applied_at, attempts, site, reissued_from_producer, reissued_from_seq, signer, signature)";
    private static final String ROW_PARAMETERS = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final int ROW_WIDTH = 21;
    private static final String INSERT = INSERT_COLUMNS + " VALUES " + ROW_PARAMETERS + " ON CONFLICT DO NOTHING";
    private static final int MULTI_ROW = 500;
    private static final String INSERT_REJECTED = "INSERT INTO rejected_transaction (tx_id, producer, seq, sender, "
            + "batch_id, content_hash, reason, rejected_at, problem_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final BatchParser parser;
    private final ActiveDatabase database;
    private final ApplyWorker applyWorker;
    private final ProducerApplier applier;
    private final MeterRegistry metrics;
    private final io.collectoffline.server.config.ServerConfig config;

    IngestService(BatchParser parser, ActiveDatabase database, ApplyWorker applyWorker, ProducerApplier applier,
            MeterRegistry metrics, io.collectoffline.server.config.ServerConfig config) {
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
        Log.infof("Received batch %s from %s: %d transactions %s in %d ms", batch.batchId(), batch.sender(),
                results.size(), counts, (System.nanoTime() - started) / 1_000_000);
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
        List<TransactionResult> results;
        Stored stored;
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try {
                SigningKeys.register(connection, batch.registrations(), vouchedBy);
                stored = store(connection, batch);
                results = stored.results();
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("storing batch " + batch.batchId() + " failed", e);
        }
        if (stored.leftToApply() > 0) {
            applyWorker.wake();
        }
        for (TransactionResult result : results) {
            metrics.counter("collect_ingest_transactions_total", "status", result.status().name()).increment();
        }
        return results;
    }

    /** The answers, and how many accepted transactions were stored for the apply worker (not applied on receipt). */
    private record Stored(List<TransactionResult> results, int leftToApply) {
    }

    private Stored store(Connection connection, ParsedBatch batch) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        // one txId twice in a batch with different content: neither is stored, both answers say so
        Map<UUID, Set<String>> contents = new HashMap<>();
        batch.candidates().stream().filter(Candidate::valid)
                .forEach(c -> contents.computeIfAbsent(c.txId(), k -> new HashSet<>()).add(c.contentHash()));
        List<Candidate> twice = batch.candidates().stream()
                .filter(c -> c.valid() && contents.get(c.txId()).size() > 1).toList();
        // each transaction's signature is checked against its device's keys before anything is stored (Guarantees 10)
        List<Candidate> signedOk = new ArrayList<>();
        Map<Candidate, String> badSignature = new java.util.LinkedHashMap<>();
        List<Candidate> unique = batch.candidates().stream()
                .filter(c -> c.valid() && contents.get(c.txId()).size() == 1).toList();
        var keys = SigningKeys.of(connection, unique.stream().map(c -> c.envelope().producer())
                .collect(java.util.stream.Collectors.toSet()));
        for (Candidate c : unique) {
            String problem = SigningKeys.problem(c.envelope(), keys, config.ingest().acceptUnsigned());
            if (problem == null) {
                signedOk.add(c);
            } else {
                badSignature.put(c, problem);
            }
        }
        List<Candidate> valid = stampSites(connection, batch, signedOk);
        ensureProducers(connection, valid);
        Savepoint beforeApply = connection.setSavepoint();
        Map<String, Long> appliedTo = applyOnReceipt(connection, valid);
        Set<UUID> appliedNow = new HashSet<>();
        for (Candidate candidate : valid) {
            Long to = appliedTo.get(candidate.envelope().producer());
            if (to != null && candidate.envelope().seq() <= to) {
                appliedNow.add(candidate.txId());
            }
        }
        int[] inserted = insert(connection, batch, valid, appliedNow, now);
        if (!appliedNow.isEmpty() && !allInserted(valid, inserted, appliedNow)) {
            // one the fast path applied was stored already (a re-send racing the worker, or a taken seq): undo the
            // fast path and store the batch for the worker, which judges the stored rows in order
            connection.rollback(beforeApply);
            appliedTo.clear();
            appliedNow.clear();
            inserted = insert(connection, batch, valid, appliedNow, now);
        } else {
            connection.releaseSavepoint(beforeApply);
        }
        for (Map.Entry<String, Long> cursor : appliedTo.entrySet()) {
            applier.advanceCursor(connection, cursor.getKey(), cursor.getValue());
        }
        Map<UUID, TransactionResult> outcome = new HashMap<>();
        List<Candidate> notInserted = new ArrayList<>();
        Map<String, Integer> storedNow = new HashMap<>();
        for (int i = 0; i < valid.size(); i++) {
            if (inserted[i] == 0) {
                notInserted.add(valid.get(i));
            } else {
                outcome.putIfAbsent(valid.get(i).txId(), new TransactionResult(valid.get(i).txId(),
                        TransactionStatus.ACCEPTED, null));
                storedNow.merge(valid.get(i).envelope().producer(), 1, Integer::sum);
            }
        }
        List<Candidate> refused = new ArrayList<>();
        judgeExisting(connection, notInserted, outcome, refused);
        for (Candidate candidate : batch.candidates()) {
            if (!candidate.valid()) {
                refused.add(candidate);
                outcome.put(candidate.txId(), new TransactionResult(candidate.txId(), TransactionStatus.REJECTED,
                        candidate.rejection()));
            }
        }
        for (Map.Entry<Candidate, String> bad : badSignature.entrySet()) {
            refused.add(bad.getKey());
            outcome.put(bad.getKey().txId(), new TransactionResult(bad.getKey().txId(), TransactionStatus.REJECTED,
                    bad.getValue(), SigningKeys.BAD_SIGNATURE));
        }
        for (Candidate candidate : twice) {
            refused.add(candidate);
            outcome.put(candidate.txId(), new TransactionResult(candidate.txId(), TransactionStatus.REJECTED,
                    "txId appears more than once in this batch with different content; none of them was stored"));
        }
        recordRejections(connection, batch, refused, outcome, now);
        recordDivergences(connection, refused, outcome, now);
        advanceProducers(connection, valid, storedNow, now);
        List<TransactionResult> results = new ArrayList<>(batch.candidates().size());
        int leftToApply = 0;
        for (Candidate candidate : batch.candidates()) {
            TransactionResult result = outcome.get(candidate.txId());
            results.add(result);
            if (result.status() == TransactionStatus.ACCEPTED && !appliedNow.contains(candidate.txId())) {
                leftToApply++;
            }
        }
        return new Stored(results, leftToApply);
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
            String site = siteOf.getOrDefault(ProducerId.deviceOf(e.producer()),
                    e.site() != null ? e.site() : senderSite);
            stamped.add(Objects.equals(site, e.site()) ? c
                    : new Candidate(c.txId(), e.withSite(site), c.contentHash()));
        }
        return stamped;
    }

    /** The producer_state and apply_cursor rows of every producer in the batch exist afterwards. */
    private static void ensureProducers(Connection connection, List<Candidate> valid) throws SQLException {
        Set<String> producers = new TreeSet<>();
        valid.forEach(c -> producers.add(c.envelope().producer()));
        try (PreparedStatement ps = connection.prepareStatement(
                "INSERT INTO producer_state (producer) VALUES (?) ON CONFLICT DO NOTHING");
             PreparedStatement cursor = connection.prepareStatement(
                     "INSERT INTO apply_cursor (producer) VALUES (?) ON CONFLICT DO NOTHING")) {
            for (String producer : producers) {
                ps.setString(1, producer);
                ps.executeUpdate();
                cursor.setString(1, producer);
                cursor.executeUpdate();
            }
        }
    }

    /**
     * The fast path (ADR 7): for each producer whose apply cursor is free, the transactions of this batch that
     * directly follow the cursor are applied in this database transaction and stored as APPLIED, which spares the
     * worker reading them back and rewriting each row's status. Returns, per producer, the seq applied up to.
     * Anything the fast path does not apply is stored RECEIVED and applied by the worker as before.
     */
    private Map<String, Long> applyOnReceipt(Connection connection, List<Candidate> valid) throws SQLException {
        Map<String, Map<Long, TransactionEnvelope>> byProducer = new TreeMap<>();
        Set<String> ambiguous = new HashSet<>();
        for (Candidate candidate : valid) {
            TransactionEnvelope e = candidate.envelope();
            if (byProducer.computeIfAbsent(e.producer(), p -> new HashMap<>()).putIfAbsent(e.seq(), e) != null) {
                ambiguous.add(e.producer()); // one seq twice in a batch: leave the judging to the slow path
            }
        }
        Map<String, Long> appliedTo = new HashMap<>();
        for (Map.Entry<String, Map<Long, TransactionEnvelope>> producer : byProducer.entrySet()) {
            if (ambiguous.contains(producer.getKey())) {
                continue;
            }
            long cursor = applier.lockCursor(connection, producer.getKey());
            if (cursor < 0) {
                continue; // the worker is applying this producer right now
            }
            List<TransactionEnvelope> run = new ArrayList<>();
            for (long seq = cursor + 1; producer.getValue().containsKey(seq); seq++) {
                run.add(producer.getValue().get(seq));
            }
            int applied = run.isEmpty() ? 0 : applier.applyOnReceipt(connection, run);
            if (applied > 0) {
                appliedTo.put(producer.getKey(), cursor + applied);
            }
        }
        return appliedTo;
    }

    private static boolean allInserted(List<Candidate> valid, int[] inserted, Set<UUID> appliedNow) {
        for (int i = 0; i < valid.size(); i++) {
            if (inserted[i] == 0 && appliedNow.contains(valid.get(i).txId())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stores the valid transactions; returns 1 for each that was inserted now, 0 for each whose txId (or producer and
     * seq) was stored already. On PostgreSQL a multi-row {@code INSERT … ON CONFLICT DO NOTHING RETURNING tx_id} per
     * 500 rows (several times faster than a JDBC batch of single-row inserts); on H2 a JDBC batch, whose row counts
     * say the same.
     */
    private int[] insert(Connection connection, ParsedBatch batch, List<Candidate> valid, Set<UUID> appliedNow,
            OffsetDateTime now) throws SQLException {
        if (valid.isEmpty()) {
            return new int[0];
        }
        if (!database.isPostgresql()) {
            try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
                for (Candidate candidate : valid) {
                    bindRow(ps, 0, candidate, batch, appliedNow, now);
                    ps.addBatch();
                }
                return ps.executeBatch();
            }
        }
        Set<UUID> inserted = new HashSet<>();
        for (int from = 0; from < valid.size(); from += MULTI_ROW) {
            List<Candidate> rows = valid.subList(from, Math.min(valid.size(), from + MULTI_ROW));
            StringBuilder sql = new StringBuilder(INSERT_COLUMNS).append(" VALUES ");
            for (int i = 0; i < rows.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append(ROW_PARAMETERS);
            }
            sql.append(" ON CONFLICT DO NOTHING RETURNING tx_id");
            try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
                for (int i = 0; i < rows.size(); i++) {
                    bindRow(ps, i * ROW_WIDTH, rows.get(i), batch, appliedNow, now);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        inserted.add(rs.getObject(1, UUID.class));
                    }
                }
            }
        }
        int[] counts = new int[valid.size()];
        for (int i = 0; i < valid.size(); i++) {
            counts[i] = inserted.remove(valid.get(i).txId()) ? 1 : 0; // a txId twice in one batch: first one counts
        }
        return counts;
    }

    private static void bindRow(PreparedStatement ps, int offset, Candidate candidate, ParsedBatch batch,
            Set<UUID> appliedNow, OffsetDateTime now) throws SQLException {
        TransactionEnvelope e = candidate.envelope();
        ps.setObject(offset + 1, e.txId());
        ps.setString(offset + 2, e.producer());
        ps.setLong(offset + 3, e.seq());
        ps.setString(offset + 4, e.model());
        ps.setObject(offset + 5, e.recordId());
        ps.setString(offset + 6, e.action().name());
        ps.setObject(offset + 7, e.capturedAt() == null ? null : e.capturedAt().atOffset(ZoneOffset.UTC));
        ps.setString(offset + 8, e.keyId());
        ps.setBytes(offset + 9, e.payload());
        ps.setString(offset + 10, candidate.contentHash());
        ps.setString(offset + 11, batch.sender());
        ps.setObject(offset + 12, batch.batchId());
        ps.setObject(offset + 13, now);
        boolean applied = appliedNow.contains(candidate.txId());
        ps.setString(offset + 14, applied ? "APPLIED" : "RECEIVED");
        ps.setObject(offset + 15, applied ? now : null);
        ps.setInt(offset + 16, applied ? 1 : 0);
        ps.setString(offset + 17, e.site());
        ps.setString(offset + 18, e.reissuedFrom() == null ? null : e.reissuedFrom().producer());
        ps.setObject(offset + 19, e.reissuedFrom() == null ? null : e.reissuedFrom().seq(), Types.BIGINT);
        ps.setString(offset + 20, e.signer());
        ps.setBytes(offset + 21, e.signature());
    }

    /**
     * Classifies transactions that were not inserted: a re-send (DUPLICATE), the same txId with other content
     * (refused and flagged), or a seq its producer already used for another transaction (refused as
     * {@link TransactionResult#SEQ_TAKEN}: the producer's stream diverged, README Guarantees 8). A transaction its
     * device re-issued on a new stream is the same transaction as its copy under the first numbering, which a relay
     * may still carry: either one found stored makes the other a DUPLICATE.
     */
    private static void judgeExisting(Connection connection, List<Candidate> notInserted,
            Map<UUID, TransactionResult> outcome, List<Candidate> refused) throws SQLException {
        if (notInserted.isEmpty()) {
            return;
        }
        Map<UUID, String> storedHash = new HashMap<>();
        Map<UUID, StreamPosition> storedAt = new HashMap<>();
        Map<UUID, StreamPosition> storedFrom = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT tx_id, content_hash, producer, seq, "
                + "reissued_from_producer, reissued_from_seq FROM incoming_transaction WHERE tx_id = ANY (?)")) {
            ps.setArray(1, connection.createArrayOf("uuid",
                    notInserted.stream().map(Candidate::txId).distinct().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID txId = rs.getObject(1, UUID.class);
                    storedHash.put(txId, rs.getString(2));
                    storedAt.put(txId, new StreamPosition(rs.getString(3), rs.getLong(4)));
                    if (rs.getString(5) != null) {
                        storedFrom.put(txId, new StreamPosition(rs.getString(5), rs.getLong(6)));
                    }
                }
            }
        }
        for (Candidate candidate : notInserted) {
            String hash = storedHash.get(candidate.txId());
            TransactionEnvelope e = candidate.envelope();
            StreamPosition at = new StreamPosition(e.producer(), e.seq());
            TransactionResult result;
            if (candidate.contentHash().equals(hash)) {
                result = new TransactionResult(candidate.txId(), TransactionStatus.DUPLICATE, null);
            } else if (hash != null && (at.equals(storedFrom.get(candidate.txId()))
                    || storedAt.get(candidate.txId()).equals(e.reissuedFrom()))) {
                result = new TransactionResult(candidate.txId(), TransactionStatus.DUPLICATE, null);
            } else if (hash != null) {
                result = new TransactionResult(candidate.txId(), TransactionStatus.REJECTED,
                        "txId already stored with other content; refused and flagged, the stored one is kept");
                refused.add(candidate);
            } else {
                String skipped = skippedAsMissing(connection, e);
                result = skipped != null ? new TransactionResult(candidate.txId(), TransactionStatus.REJECTED, skipped)
                        : new TransactionResult(candidate.txId(), TransactionStatus.REJECTED, "seq " + e.seq()
                        + " of producer " + e.producer() + " already belongs to another transaction: this "
                        + "producer's stream diverged from what this server holds (restored backup, reinstall or "
                        + "cloned laptop image); the device re-issues its change on a new stream",
                        TransactionResult.SEQ_TAKEN);
                refused.add(candidate);
            }
            TransactionResult first = outcome.putIfAbsent(candidate.txId(), result);
            if (first != null && first.status() != TransactionStatus.REJECTED
                    && result.status() == TransactionStatus.REJECTED) {
                outcome.put(candidate.txId(), result); // same txId twice in one batch with other content
            }
        }
    }

    /** Why the seq of {@code e} was skipped as missing by an admin (who, when, why), or null when it was not. */
    private static String skippedAsMissing(Connection connection, TransactionEnvelope e) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT skipped_by, applied_at, status_reason "
                + "FROM incoming_transaction WHERE producer = ? AND seq = ? AND key_id = ?")) {
            ps.setString(1, e.producer());
            ps.setLong(2, e.seq());
            ps.setString(3, IncomingAdminService.MISSING_SKIPPED);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? "seq " + e.seq() + " of " + e.producer() + " was skipped by " + rs.getString(1)
                        + " at " + rs.getObject(2, OffsetDateTime.class) + " (" + rs.getString(3) + "); this "
                        + "transaction is not applied" : null;
            }
        }
    }

    /** Marks each producer one of whose seqs was claimed by another transaction (status, admin page, metric). */
    private static void recordDivergences(Connection connection, List<Candidate> refused,
            Map<UUID, TransactionResult> outcome, OffsetDateTime now) throws SQLException {
        Map<String, long[]> diverged = new TreeMap<>();
        for (Candidate candidate : refused) {
            TransactionResult result = outcome.get(candidate.txId());
            if (candidate.envelope() != null && TransactionResult.SEQ_TAKEN.equals(result.type())) {
                long[] seen = diverged.computeIfAbsent(candidate.envelope().producer(),
                        p -> new long[] {Long.MAX_VALUE, 0});
                seen[0] = Math.min(seen[0], candidate.envelope().seq());
                seen[1]++;
            }
        }
        if (diverged.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement("UPDATE producer_state SET "
                + "diverged_at = COALESCE(diverged_at, ?), diverged_seq = LEAST(COALESCE(diverged_seq, ?), ?), "
                + "diverged_count = diverged_count + ? WHERE producer = ?")) {
            for (Map.Entry<String, long[]> producer : diverged.entrySet()) {
                ps.setObject(1, now);
                ps.setLong(2, producer.getValue()[0]);
                ps.setLong(3, producer.getValue()[0]);
                ps.setLong(4, producer.getValue()[1]);
                ps.setString(5, producer.getKey());
                ps.addBatch();
                Log.warnf("Producer %s diverged: %d of its seqs (from %d) were claimed by other transactions",
                        producer.getKey(), producer.getValue()[1], producer.getValue()[0]);
            }
            ps.executeBatch();
        }
    }

    private static void recordRejections(Connection connection, ParsedBatch batch, List<Candidate> refused,
            Map<UUID, TransactionResult> outcome, OffsetDateTime now) throws SQLException {
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
                ps.setString(7, BatchParser.printable(outcome.get(candidate.txId()).reason()));
                ps.setObject(8, now);
                ps.setString(9, outcome.get(candidate.txId()).type());
                ps.addBatch();
                Log.warnf("Rejected transaction %s from %s in batch %s: %s", candidate.txId(), batch.sender(),
                        batch.batchId(), outcome.get(candidate.txId()).reason());
            }
            ps.executeBatch();
        }
    }

    /**
     * Moves each producer's stored watermark over the seqs now contiguous. The producer row is locked (producers
     * in a fixed order, so concurrent batches cannot deadlock); apply keeps its own cursor row and never waits here.
     */
    private static void advanceProducers(Connection connection, List<Candidate> valid, Map<String, Integer> storedNow,
            OffsetDateTime now) throws SQLException {
        Map<String, Long> maxSeq = new TreeMap<>();
        Map<String, String> site = new HashMap<>();
        for (Candidate candidate : valid) {
            maxSeq.merge(candidate.envelope().producer(), candidate.envelope().seq(), Math::max);
            if (candidate.envelope().site() != null) {
                site.put(candidate.envelope().producer(), candidate.envelope().site());
            }
        }
        for (Map.Entry<String, Long> producer : maxSeq.entrySet()) {
            long watermark;
            long max;
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT stored_watermark, max_seq FROM producer_state WHERE producer = ? FOR UPDATE")) {
                ps.setString(1, producer.getKey());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    watermark = rs.getLong(1);
                    max = Math.max(rs.getLong(2), producer.getValue());
                }
            }
            watermark = StoredWatermarks.contiguousFrom(connection, producer.getKey(), watermark);
            try (PreparedStatement ps = connection.prepareStatement("UPDATE producer_state SET stored_watermark = ?, "
                    + "max_seq = ?, last_received_at = ?, site = COALESCE(?, site), stored_count = stored_count + ? "
                    + "WHERE producer = ?")) {
                ps.setLong(1, watermark);
                ps.setLong(2, max);
                ps.setObject(3, now);
                ps.setString(4, site.get(producer.getKey()));
                ps.setInt(5, storedNow.getOrDefault(producer.getKey(), 0));
                ps.setString(6, producer.getKey());
                ps.executeUpdate();
            }
        }
    }

    /** The signing keys of the devices of {@code producers}, vouched for by this server, to pass on upstream. */
    public List<io.collectoffline.protocol.KeyRegistration> registrationsFor(Set<String> producers) {
        try (Connection connection = database.dataSource().getConnection()) {
            return SigningKeys.vouchFor(connection, producers);
        } catch (SQLException e) {
            throw new IllegalStateException("reading signing keys failed", e);
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
        List<UUID> held = new ArrayList<>();
        if (txIds.isEmpty()) {
            return new Held(producer, held);
        }
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement ps = connection.prepareStatement("SELECT tx_id FROM incoming_transaction "
                     + "WHERE tx_id = ANY (?) AND (producer = ? OR reissued_from_producer = ?)")) {
            ps.setArray(1, connection.createArrayOf("uuid", txIds.stream().distinct().toArray()));
            ps.setString(2, producer);
            ps.setString(3, producer);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    held.add(rs.getObject(1, UUID.class));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading what is held of " + producer + " failed", e);
        }
        return new Held(producer, held);
    }

    /** How far this server holds a producer's transactions without a gap (0 for an unknown producer). */
    public Watermark watermark(String producer) {
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement ps = connection.prepareStatement(
                     "SELECT stored_watermark FROM producer_state WHERE producer = ?")) {
            ps.setString(1, producer);
            try (ResultSet rs = ps.executeQuery()) {
                return new Watermark(producer, rs.next() ? rs.getLong(1) : 0);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the watermark of " + producer + " failed", e);
        }
    }
}
