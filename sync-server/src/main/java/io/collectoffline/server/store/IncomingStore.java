package io.collectoffline.server.store;

import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.Held;
import io.collectoffline.protocol.StreamPosition;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.model.StoredPositions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The one writer of {@code incoming_transaction} (apart from its forward marks, {@link ForwardQueue}),
 * {@code producer_state} and {@code apply_cursor}: what ingest stores, how far each producer is stored and applied,
 * and each transaction's {@link TxStatus}. Ingest, apply and the admin's actions change these tables only through
 * here, each inside its own Quarkus transaction; the methods that take a {@link Connection} run in the caller's
 * transaction (the connection is the one enlisted in it). The H2/PostgreSQL differences of these tables live here.
 */
@jakarta.enterprise.context.ApplicationScoped
public class IncomingStore {

    private static final String INSERT_COLUMNS = "INSERT INTO incoming_transaction (tx_id, producer, seq, model, "
            + "record_id, action, captured_at, key_id, payload, content_hash, sender, batch_id, received_at, status, "
            + "applied_at, attempts, site, reissued_from_producer, reissued_from_seq, signer, signature, "
            + "applied_order, home_site, overruled)";
    private static final String ROW_PARAMETERS =
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final int ROW_WIDTH = 24;
    private static final String INSERT = INSERT_COLUMNS + " VALUES " + ROW_PARAMETERS + " ON CONFLICT DO NOTHING";
    private static final int MULTI_ROW = 500;
    /** Producers read per query when listing those with work; all pages are read. */
    private static final int PRODUCER_PAGE = 1000;

    private static final int REASON_MAX = 2000;

    /** The key id of the row that stands in for a seq skipped as missing (never a real key's id). */
    public static final String MISSING_SKIPPED = "missing-skipped";

    private final ActiveDatabase database;

    IncomingStore(ActiveDatabase database) {
        this.database = database;
    }

    /** One transaction of a batch, checked and about to be stored. */
    public record Arrival(TransactionEnvelope envelope, String contentHash) {}

    /** Who sent a batch, which batch, and when it arrived. */
    public record Receipt(String sender, UUID batchId, OffsetDateTime at) {}

    /** What identifies a stored transaction: its content and where it sits in its producer's stream(s). */
    public record StoredIdentity(String contentHash, StreamPosition at, StreamPosition reissuedFrom) {}

    // --- storing (ingest) ---

    /** The producer_state and apply_cursor rows of every one of {@code producers} exist afterwards. */
    public void ensureProducers(Connection connection, Collection<String> producers) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                        "INSERT INTO producer_state (producer) VALUES (?) ON CONFLICT DO NOTHING");
                PreparedStatement cursor = connection.prepareStatement(
                        "INSERT INTO apply_cursor (producer) VALUES (?) ON CONFLICT DO NOTHING")) {
            for (String producer : new TreeSet<>(producers)) {
                ps.setString(1, producer);
                ps.executeUpdate();
                cursor.setString(1, producer);
                cursor.executeUpdate();
            }
        }
    }

    /**
     * Stores {@code rows}: those in {@code appliedNow} as APPLIED (receive's fast path applied them in this
     * transaction; those in {@code overruled} lost a conflicting edit and wrote nothing) with their settled orders and
     * home sites, the others RECEIVED. Returns 1 for each row inserted now, 0 for each whose txId (or producer and
     * seq) was stored already. On PostgreSQL a multi-row {@code INSERT … ON CONFLICT DO NOTHING RETURNING tx_id} per
     * 500 rows (several times faster than a JDBC batch of single-row inserts); on H2 a JDBC batch, whose row counts
     * say the same.
     */
    public int[] insert(
            Connection connection, Receipt receipt, List<Arrival> rows, Set<UUID> appliedNow, Set<UUID> overruled)
            throws SQLException {
        if (rows.isEmpty()) {
            return new int[0];
        }
        List<TransactionEnvelope> settling = settlingInOrder(rows, appliedNow);
        Map<UUID, Long> orders = new HashMap<>();
        long next = settling.isEmpty() ? 0 : takeOrders(connection, settling.size());
        for (TransactionEnvelope e : settling) {
            orders.put(e.txId(), next++);
        }
        Map<UUID, String> homes = homeSites(
                connection,
                settling.stream()
                        .map(e -> new Settling(
                                e.txId(), e.recordId(), e.action(), e.site(), overruled.contains(e.txId())))
                        .toList());
        Settled settled = new Settled(orders, homes, overruled);
        if (!database.isPostgresql()) {
            try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
                for (Arrival row : rows) {
                    bindRow(ps, 0, row, receipt, settled);
                    ps.addBatch();
                }
                return ps.executeBatch();
            }
        }
        Set<UUID> inserted = new HashSet<>();
        for (int from = 0; from < rows.size(); from += MULTI_ROW) {
            List<Arrival> part = rows.subList(from, Math.min(rows.size(), from + MULTI_ROW));
            StringBuilder sql = new StringBuilder(INSERT_COLUMNS).append(" VALUES ");
            for (int i = 0; i < part.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append(ROW_PARAMETERS);
            }
            sql.append(" ON CONFLICT DO NOTHING RETURNING tx_id");
            try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
                for (int i = 0; i < part.size(); i++) {
                    bindRow(ps, i * ROW_WIDTH, part.get(i), receipt, settled);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        inserted.add(rs.getObject(1, UUID.class));
                    }
                }
            }
        }
        int[] counts = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            // a txId twice in one batch: the first one counts
            counts[i] = inserted.remove(rows.get(i).envelope().txId()) ? 1 : 0;
        }
        return counts;
    }

    /**
     * The rows receive applied, each once, in the order the fast path applies them: per producer in seq order,
     * producers by name.
     */
    private static List<TransactionEnvelope> settlingInOrder(List<Arrival> rows, Set<UUID> appliedNow) {
        List<TransactionEnvelope> applied = new ArrayList<>();
        Set<UUID> seen = new HashSet<>();
        for (Arrival row : rows) {
            if (appliedNow.contains(row.envelope().txId())
                    && seen.add(row.envelope().txId())) {
                applied.add(row.envelope());
            }
        }
        applied.sort(java.util.Comparator.comparing(TransactionEnvelope::producer)
                .thenComparingLong(TransactionEnvelope::seq));
        return applied;
    }

    /** What receive settled in the rows it stores: their orders, home sites, and which were overruled. */
    private record Settled(Map<UUID, Long> orders, Map<UUID, String> homes, Set<UUID> overruled) {}

    /**
     * Takes {@code count} consecutive settled orders; returns the first. The sequencer's row stays locked until the
     * calling transaction ends, so transactions settle (commit) in the order of their orders: a reader of the feed
     * never sees order n + 1 committed while n is still to come (ADR 14). Taken as late as possible in a settling
     * transaction, after every cursor lock, and nothing that holds it waits for a cursor.
     */
    private long takeOrders(Connection connection, int count) throws SQLException {
        long last;
        try (PreparedStatement ps =
                        connection.prepareStatement("SELECT last_order FROM apply_sequencer WHERE id = 1 FOR UPDATE");
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("apply_sequencer has no row: the database was not migrated");
            }
            last = rs.getLong(1);
        }
        try (PreparedStatement ps =
                connection.prepareStatement("UPDATE apply_sequencer SET last_order = ? WHERE id = 1")) {
            ps.setLong(1, last + count);
            ps.executeUpdate();
        }
        return last + 1;
    }

    private static void bindRow(PreparedStatement ps, int offset, Arrival row, Receipt receipt, Settled settled)
            throws SQLException {
        TransactionEnvelope e = row.envelope();
        ps.setObject(offset + 1, e.txId());
        ps.setString(offset + 2, e.producer());
        ps.setLong(offset + 3, e.seq());
        ps.setString(offset + 4, e.model());
        ps.setObject(offset + 5, e.recordId());
        ps.setString(offset + 6, e.action().name());
        ps.setObject(offset + 7, e.capturedAt() == null ? null : e.capturedAt().atOffset(ZoneOffset.UTC));
        ps.setString(offset + 8, e.keyId());
        ps.setBytes(offset + 9, e.payload());
        ps.setString(offset + 10, row.contentHash());
        ps.setString(offset + 11, receipt.sender());
        ps.setObject(offset + 12, receipt.batchId());
        ps.setObject(offset + 13, receipt.at());
        Long order = settled.orders().get(e.txId());
        boolean applied = order != null;
        ps.setString(offset + 14, (applied ? TxStatus.APPLIED : TxStatus.RECEIVED).name());
        ps.setObject(offset + 15, applied ? receipt.at() : null);
        ps.setInt(offset + 16, applied ? 1 : 0);
        ps.setString(offset + 17, e.site());
        ps.setString(
                offset + 18, e.reissuedFrom() == null ? null : e.reissuedFrom().producer());
        ps.setObject(
                offset + 19, e.reissuedFrom() == null ? null : e.reissuedFrom().seq(), Types.BIGINT);
        ps.setString(offset + 20, e.signer());
        ps.setBytes(offset + 21, e.signature());
        ps.setObject(offset + 22, order, Types.BIGINT);
        ps.setString(offset + 23, applied ? settled.homes().get(e.txId()) : null);
        ps.setBoolean(offset + 24, applied && settled.overruled().contains(e.txId()));
    }

    /** The stored identity of each of {@code txIds} that is stored. */
    public Map<UUID, StoredIdentity> identities(Connection connection, Collection<UUID> txIds) throws SQLException {
        Map<UUID, StoredIdentity> stored = new HashMap<>();
        if (txIds.isEmpty()) {
            return stored;
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT tx_id, content_hash, producer, seq, "
                + "reissued_from_producer, reissued_from_seq FROM incoming_transaction WHERE tx_id = ANY (?)")) {
            ps.setArray(
                    1,
                    connection.createArrayOf("uuid", txIds.stream().distinct().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.put(
                            rs.getObject(1, UUID.class),
                            new StoredIdentity(
                                    rs.getString(2),
                                    new StreamPosition(rs.getString(3), rs.getLong(4)),
                                    StoredPositions.reissuedFrom(rs, 5)));
                }
            }
        }
        return stored;
    }

    /** Why {@code seq} of {@code producer} was skipped as missing by an admin (who, when, why), or null. */
    public String skippedAsMissing(Connection connection, String producer, long seq) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT skipped_by, applied_at, status_reason "
                + "FROM incoming_transaction WHERE producer = ? AND seq = ? AND key_id = ?")) {
            ps.setString(1, producer);
            ps.setLong(2, seq);
            ps.setString(3, MISSING_SKIPPED);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? "seq " + seq + " of " + producer + " was skipped by " + rs.getString(1) + " at "
                                + rs.getObject(2, OffsetDateTime.class) + " (" + rs.getString(3) + ")"
                        : null;
            }
        }
    }

    /** Marks {@code producer} diverged: {@code count} of its seqs, from {@code fromSeq}, were claimed by others. */
    public void markDiverged(Connection connection, String producer, long fromSeq, long count, OffsetDateTime now)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("UPDATE producer_state SET "
                + "diverged_at = COALESCE(diverged_at, ?), diverged_seq = LEAST(COALESCE(diverged_seq, ?), ?), "
                + "diverged_count = diverged_count + ? WHERE producer = ?")) {
            ps.setObject(1, now);
            ps.setLong(2, fromSeq);
            ps.setLong(3, fromSeq);
            ps.setLong(4, count);
            ps.setString(5, producer);
            ps.executeUpdate();
        }
    }

    /**
     * Moves {@code producer}'s stored watermark over the seqs now contiguous and records what arrived. The producer
     * row is locked: callers take producers in a fixed (sorted) order, so concurrent batches cannot deadlock; apply
     * keeps its own cursor row and never waits here. Returns the new stored watermark.
     */
    public long advanceProducer(
            Connection connection, String producer, long maxSeq, String site, int storedNow, OffsetDateTime now)
            throws SQLException {
        long watermark;
        long max;
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT stored_watermark, max_seq FROM producer_state WHERE producer = ? FOR UPDATE")) {
            ps.setString(1, producer);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                watermark = rs.getLong(1);
                max = Math.max(rs.getLong(2), maxSeq);
            }
        }
        watermark = StoredWatermarks.contiguousFrom(connection, producer, watermark);
        try (PreparedStatement ps = connection.prepareStatement("UPDATE producer_state SET stored_watermark = ?, "
                + "max_seq = ?, last_received_at = ?, site = COALESCE(?, site), stored_count = stored_count + ? "
                + "WHERE producer = ?")) {
            ps.setLong(1, watermark);
            ps.setLong(2, max);
            ps.setObject(3, now);
            ps.setString(4, site);
            ps.setInt(5, storedNow);
            ps.setString(6, producer);
            ps.executeUpdate();
        }
        return watermark;
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
            ps.setArray(
                    1,
                    connection.createArrayOf("uuid", txIds.stream().distinct().toArray()));
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

    /** How far this server holds {@code producer}'s transactions without a gap (0 for an unknown producer). */
    public long storedWatermark(String producer) {
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement ps =
                        connection.prepareStatement("SELECT stored_watermark FROM producer_state WHERE producer = ?")) {
            ps.setString(1, producer);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the watermark of " + producer + " failed", e);
        }
    }

    // --- applying ---

    /**
     * Producers with stored, unapplied transactions whose next one is not waiting for an admin: all of them, read in
     * pages (a cut at 1000 let producer 1001 starve while the first thousand kept having work).
     */
    public List<String> producersWithWork() {
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement ps = connection.prepareStatement("SELECT c.producer FROM apply_cursor c "
                        + "JOIN producer_state s ON s.producer = c.producer WHERE c.applied_seq < s.stored_watermark "
                        + "AND c.producer > ? AND NOT EXISTS (SELECT 1 FROM incoming_transaction i "
                        + "WHERE i.producer = c.producer AND i.seq = c.applied_seq + 1 AND i.status IN ("
                        + TxStatus.sqlList(TxStatus.ERROR, TxStatus.CONFLICT) + ")) ORDER BY c.producer LIMIT "
                        + PRODUCER_PAGE)) {
            return KeysetPages.readAll(ps, PRODUCER_PAGE);
        } catch (SQLException e) {
            throw new IllegalStateException("listing producers to apply failed", e);
        }
    }

    /**
     * Locks {@code producer}'s apply cursor for the rest of {@code connection}'s transaction without waiting;
     * returns its applied seq, or -1 when another worker (or a receive) holds it.
     */
    public long tryLockCursor(Connection connection, String producer) throws SQLException {
        return cursor(connection, producer, " FOR UPDATE SKIP LOCKED");
    }

    /**
     * Locks {@code producer}'s apply cursor, waiting for a worker that holds it; returns its applied seq, or -1 for a
     * producer this server does not know. An admin's action takes the cursor before the transaction's row, as the
     * apply worker does, so the two never deadlock.
     */
    public long lockCursor(Connection connection, String producer) throws SQLException {
        return cursor(connection, producer, " FOR UPDATE");
    }

    private static long cursor(Connection connection, String producer, String lock) throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement("SELECT applied_seq FROM apply_cursor WHERE producer = ?" + lock)) {
            ps.setString(1, producer);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** Moves the (locked) cursor of {@code producer} to {@code seq}. */
    public void advanceCursor(Connection connection, String producer, long seq) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "UPDATE apply_cursor SET applied_seq = ?, last_applied_at = ? WHERE producer = ?")) {
            ps.setLong(1, seq);
            ps.setObject(2, OffsetDateTime.now(ZoneOffset.UTC));
            ps.setString(3, producer);
            ps.executeUpdate();
        }
    }

    /**
     * The next stored transactions of {@code producer} after {@code appliedSeq}, up to its stored watermark and at
     * most {@code limit}, in seq order without a gap; none when the next one waits for an admin.
     */
    public List<TransactionEnvelope> nextToApply(Connection connection, String producer, long appliedSeq, int limit)
            throws SQLException {
        List<TransactionEnvelope> chunk = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT i.tx_id, i.seq, i.model, i.record_id, "
                + "i.action, i.key_id, i.payload, i.status, i.reissued_from_producer, i.reissued_from_seq "
                + "FROM incoming_transaction i "
                + "JOIN producer_state s ON s.producer = i.producer "
                + "WHERE i.producer = ? AND i.seq > ? AND i.seq <= s.stored_watermark ORDER BY i.seq LIMIT ?")) {
            ps.setString(1, producer);
            ps.setLong(2, appliedSeq);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getLong(2) != appliedSeq + 1 + chunk.size()) {
                        break; // only SKIPPED rows can sit behind the cursor; nothing else is out of order
                    }
                    if (chunk.isEmpty() && TxStatus.valueOf(rs.getString(8)).waitsForAdmin()) {
                        return List.of();
                    }
                    chunk.add(new TransactionEnvelope(
                            rs.getObject(1, UUID.class),
                            producer,
                            rs.getLong(2),
                            rs.getString(3),
                            rs.getObject(4, UUID.class),
                            Action.valueOf(rs.getString(5)),
                            null,
                            rs.getString(6),
                            rs.getBytes(7),
                            null,
                            StoredPositions.reissuedFrom(rs, 9)));
                }
            }
        }
        return chunk;
    }

    /**
     * Marks {@code txIds} (one producer's, in seq order) APPLIED with their settled orders; those in {@code overruled}
     * lost a conflicting edit and wrote nothing (ADR 8).
     */
    public void markApplied(Connection connection, List<UUID> txIds, Set<UUID> overruled) throws SQLException {
        if (txIds.isEmpty()) {
            return;
        }
        Map<UUID, String> homes = homeSites(connection, settlingStored(connection, txIds, overruled));
        long order = takeOrders(connection, txIds.size());
        try (PreparedStatement ps = connection.prepareStatement("UPDATE incoming_transaction SET status = '"
                + TxStatus.APPLIED + "', status_reason = NULL, attempts = attempts + 1, applied_at = ?, "
                + "applied_order = ?, overruled = ?, home_site = ? WHERE tx_id = ?")) {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            for (UUID txId : txIds) {
                ps.setObject(1, now);
                ps.setLong(2, order++);
                ps.setBoolean(3, overruled.contains(txId));
                ps.setString(4, homes.get(txId));
                ps.setObject(5, txId);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** What a settling transaction's home site depends on. */
    private record Settling(UUID txId, UUID recordId, Action action, String site, boolean overruled) {}

    /** The stored transactions {@code txIds} (in that order) as they settle, those in {@code overruled} overruled. */
    private static List<Settling> settlingStored(Connection connection, List<UUID> txIds, Set<UUID> overruled)
            throws SQLException {
        Map<UUID, Settling> stored = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT tx_id, record_id, action, site FROM incoming_transaction WHERE tx_id = ANY (?)")) {
            ps.setArray(1, connection.createArrayOf("uuid", txIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID txId = rs.getObject(1, UUID.class);
                    stored.put(
                            txId,
                            new Settling(
                                    txId,
                                    rs.getObject(2, UUID.class),
                                    Action.valueOf(rs.getString(3)),
                                    rs.getString(4),
                                    overruled.contains(txId)));
                }
            }
        }
        return txIds.stream()
                .map(stored::get)
                .filter(java.util.Objects::nonNull)
                .toList();
    }

    /**
     * The home site (ADR 14) of each of {@code settling} (in the order they settle), by txId: the site of its record's
     * home, which routes it to the devices of that site. A record gets its home with its first settled write that was
     * not overruled, kept in {@code record_home} from then on: the home of a record it depends on (a visit's
     * subject's household), or for a record without one the site of that first write. A transaction on a record with
     * no home (a deletion of a record never written) keeps its own site. So a visit made by another site's laptop of
     * this site's subject goes to this site's devices. Set-based (on tables that grew since PostgreSQL last analysed
     * them, a first bulk push, a per-row subquery was planned as a scan of record_home per row: 0.5 s per batch of
     * 500), and the caller writes the home with the row's other settled columns, never by a second update of the row.
     */
    private static Map<UUID, String> homeSites(Connection connection, List<Settling> settling) throws SQLException {
        Map<UUID, String> homes = new HashMap<>();
        if (settling.isEmpty()) {
            return homes;
        }
        Object[] records = settling.stream().map(Settling::recordId).distinct().toArray();
        Map<UUID, String> dependedOn = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT l.record_id, MIN(h.site) "
                + "FROM record_lineage l JOIN record_home h ON h.record_id = l.ancestor_id "
                + "WHERE l.record_id = ANY (?) AND l.ancestor_id <> l.record_id AND h.site IS NOT NULL "
                + "GROUP BY l.record_id")) {
            ps.setArray(1, connection.createArrayOf("uuid", records));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    dependedOn.put(rs.getObject(1, UUID.class), rs.getString(2));
                }
            }
        }
        Map<UUID, String> firstWrites = new java.util.LinkedHashMap<>();
        for (Settling s : settling) {
            if (s.action() != Action.DELETE && !s.overruled()) {
                firstWrites.putIfAbsent(s.recordId(), dependedOn.getOrDefault(s.recordId(), s.site()));
            }
        }
        List<Map.Entry<UUID, String>> candidates = new ArrayList<>(firstWrites.entrySet());
        for (int from = 0; from < candidates.size(); from += MULTI_ROW) {
            List<Map.Entry<UUID, String>> part =
                    candidates.subList(from, Math.min(candidates.size(), from + MULTI_ROW));
            try (PreparedStatement ps = connection.prepareStatement("INSERT INTO record_home (record_id, site) VALUES "
                    + String.join(", ", java.util.Collections.nCopies(part.size(), "(?, ?)"))
                    + " ON CONFLICT DO NOTHING")) {
                for (int i = 0; i < part.size(); i++) {
                    ps.setObject(2 * i + 1, part.get(i).getKey());
                    ps.setString(2 * i + 2, part.get(i).getValue());
                }
                ps.executeUpdate();
            }
        }
        Map<UUID, String> recordHomes = new HashMap<>();
        try (PreparedStatement ps =
                connection.prepareStatement("SELECT record_id, site FROM record_home WHERE record_id = ANY (?)")) {
            ps.setArray(1, connection.createArrayOf("uuid", records));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    recordHomes.put(rs.getObject(1, UUID.class), rs.getString(2)); // a home's site may be null
                }
            }
        }
        for (Settling s : settling) {
            homes.put(s.txId(), recordHomes.containsKey(s.recordId()) ? recordHomes.get(s.recordId()) : s.site());
        }
        return homes;
    }

    /** Records why {@code txId} could not be applied: DEFERRED, ERROR or CONFLICT (with the record it clashed with). */
    public void markFailed(Connection connection, UUID txId, TxStatus status, String reason, UUID conflictWith)
            throws SQLException {
        if (status.settled() || status == TxStatus.RECEIVED) {
            throw new IllegalArgumentException(status + " is not a failure");
        }
        try (PreparedStatement ps = connection.prepareStatement("UPDATE incoming_transaction SET status = ?, "
                + "status_reason = ?, conflict_with = ?, attempts = attempts + 1 WHERE tx_id = ?")) {
            ps.setString(1, status.name());
            ps.setString(2, truncate(reason, REASON_MAX));
            ps.setObject(3, conflictWith);
            ps.setObject(4, txId);
            ps.executeUpdate();
        }
    }

    // --- an admin's decisions ---

    /** Puts {@code txId} back in line (RECEIVED): an admin fixed the cause of its failure. */
    public void putBackInLine(Connection connection, UUID txId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(BACK_IN_LINE + "tx_id = ?")) {
            ps.setObject(1, txId);
            ps.executeUpdate();
        }
    }

    /** What puts transactions back in line (RECEIVED, the reason of the last try cleared); a WHERE clause follows. */
    private static final String BACK_IN_LINE =
            "UPDATE incoming_transaction SET status = '" + TxStatus.RECEIVED + "', status_reason = NULL WHERE ";

    /**
     * Puts every transaction in ERROR back in line, as an admin's retry of each would: the cause may be gone (the
     * records that referred to a deleted one deleted since, the keys to open it restored, a fix deployed). What still
     * fails is classified again with its reason. Returns how many.
     */
    public int putErrorsBackInLine(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(BACK_IN_LINE + "status = '" + TxStatus.ERROR + "'")) {
            return ps.executeUpdate();
        }
    }

    /** The record a CONFLICT transaction clashed with (holds its natural key), or null. */
    public UUID conflictWith(Connection connection, UUID txId) throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement("SELECT conflict_with FROM incoming_transaction WHERE tx_id = ?")) {
            ps.setObject(1, txId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1, UUID.class) : null;
            }
        }
    }

    /**
     * Marks the transaction at the head of its producer's queue SKIPPED (never applied), with who and why, and moves
     * the producer's (locked) cursor over it.
     */
    public void markSkipped(Connection connection, UUID txId, StreamPosition at, String by, String reason)
            throws SQLException {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        String home = homeSites(connection, settlingStored(connection, List.of(txId), Set.of(txId)))
                .get(txId);
        long order = takeOrders(connection, 1); // a skip is settled too: devices learn the verdict in order
        try (PreparedStatement ps = connection.prepareStatement("UPDATE incoming_transaction SET status = '"
                + TxStatus.SKIPPED + "', status_reason = ?, skipped_by = ?, applied_at = ?, applied_order = ?, "
                + "overruled = TRUE, home_site = ? WHERE tx_id = ?")) {
            ps.setString(1, truncate(reason, REASON_MAX));
            ps.setString(2, by);
            ps.setObject(3, now);
            ps.setLong(4, order);
            ps.setString(5, home);
            ps.setObject(6, txId);
            ps.executeUpdate();
        }
        advanceCursor(connection, at.producer(), at.seq());
    }

    /** Locks {@code producer}'s state row; returns its stored watermark. */
    public long lockStoredWatermark(Connection connection, String producer) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT stored_watermark FROM producer_state WHERE producer = ? FOR UPDATE")) {
            ps.setString(1, producer);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /**
     * Stores a stand-in for a seq that never arrived (status SKIPPED, no payload, key id {@value #MISSING_SKIPPED},
     * never forwarded) with who and why, and moves the producer's stored watermark and (locked) cursor over it.
     * Returns the stand-in's id.
     */
    public UUID storeSkippedStandIn(Connection connection, StreamPosition at, long watermark, String by, String why)
            throws SQLException {
        UUID standIn = io.collectoffline.protocol.TimeOrderedUuid.next();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO incoming_transaction (tx_id, "
                + "producer, seq, model, record_id, action, key_id, payload, content_hash, sender, batch_id, "
                + "received_at, status, status_reason, skipped_by, applied_at, forwarded_at, forwarded_via) "
                + "VALUES (?, ?, ?, '(missing)', ?, 'INSERT', ?, ?, ?, ?, ?, ?, '" + TxStatus.SKIPPED + "', ?, ?, ?, "
                + "?, 'SKIPPED')")) {
            ps.setObject(1, standIn);
            ps.setString(2, at.producer());
            ps.setLong(3, at.seq());
            ps.setObject(4, new UUID(0, 0));
            ps.setString(5, MISSING_SKIPPED);
            ps.setBytes(6, new byte[0]);
            ps.setString(7, MISSING_SKIPPED);
            ps.setString(8, truncate(by, 36));
            ps.setObject(9, standIn);
            ps.setObject(10, now);
            ps.setString(11, truncate(why, REASON_MAX));
            ps.setString(12, by);
            ps.setObject(13, now);
            ps.setObject(14, now);
            ps.executeUpdate();
        }
        long reached = StoredWatermarks.contiguousFrom(connection, at.producer(), watermark);
        try (PreparedStatement state = connection.prepareStatement("UPDATE producer_state SET "
                + "stored_watermark = ?, max_seq = GREATEST(max_seq, ?), stored_count = stored_count + 1 "
                + "WHERE producer = ?")) {
            state.setLong(1, reached);
            state.setLong(2, at.seq());
            state.setString(3, at.producer());
            state.executeUpdate();
        }
        advanceCursor(connection, at.producer(), at.seq());
        return standIn;
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
