package io.collectoffline.server.apply;

import io.collectoffline.protocol.IncomingTransactionView;
import io.collectoffline.protocol.InvalidInputException;
import io.collectoffline.protocol.Paging;
import io.collectoffline.protocol.Problem.FieldError;
import io.collectoffline.protocol.ProducerId;
import io.collectoffline.protocol.Refusal;
import io.collectoffline.protocol.ServerStatus;
import io.collectoffline.protocol.ServerStatus.Blocker;
import io.collectoffline.protocol.ServerStatus.ProducerProgress;
import io.collectoffline.protocol.SiteId;
import io.collectoffline.protocol.StreamPosition;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.config.ServerConfig;
import io.collectoffline.server.store.IncomingStore;
import io.collectoffline.server.store.TxStatus;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What an admin sees and does about stored transactions: lists by status/producer/model, the status summary, and
 * the two ways to unblock a producer — retry (after fixing the cause) and an explicit, audited skip.
 */
@ApplicationScoped
public class IncomingAdminService {

    private static final String VIEW_COLUMNS = "tx_id, producer, seq, model, record_id, action, sender, batch_id, "
            + "received_at, status, status_reason, attempts, applied_at, skipped_by, site";

    private final ActiveDatabase database;
    private final ApplyWorker worker;
    private final IncomingStore store;

    private final ServerConfig config;

    IncomingAdminService(ActiveDatabase database, ApplyWorker worker, ServerConfig config, IncomingStore store) {
        this.store = store;
        this.config = config;
        this.database = database;
        this.worker = worker;
    }

    /** Stored transactions matching every given filter, by producer and seq. */
    public List<IncomingTransactionView> list(
            String status,
            String producer,
            String model,
            @SiteId String site,
            @Paging.Offset int offset,
            @Paging.Limit int limit) {
        if (status != null && TxStatus.parse(status) == null) {
            throw new InvalidInputException(
                    "Invalid query",
                    List.of(new FieldError(
                            "status", "must be one of " + java.util.Arrays.toString(TxStatus.values()))));
        }
        StringBuilder sql = new StringBuilder("SELECT " + VIEW_COLUMNS + " FROM incoming_transaction WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status);
        }
        if (producer != null) {
            sql.append(" AND producer = ?");
            args.add(producer);
        }
        if (model != null) {
            sql.append(" AND model = ?");
            args.add(model);
        }
        if (site != null) {
            sql.append(" AND site = ?");
            args.add(site);
        }
        sql.append(" ORDER BY producer, seq LIMIT ")
                .append(limit)
                .append(" OFFSET ")
                .append(offset);
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            return views(ps);
        } catch (SQLException e) {
            throw new IllegalStateException("listing incoming transactions failed", e);
        }
    }

    /** @throws TransactionNotFoundException when no such transaction is stored */
    public IncomingTransactionView get(UUID txId) {
        try (Connection connection = database.dataSource().getConnection()) {
            return find(connection, txId, false);
        } catch (SQLException e) {
            throw new IllegalStateException("reading transaction " + txId + " failed", e);
        }
    }

    /** Puts a DEFERRED, ERROR or CONFLICT transaction back in line (its cause is gone) and wakes the worker. */
    public IncomingTransactionView retry(UUID txId) {
        IncomingTransactionView tx = database.inTransaction("retrying transaction " + txId, connection -> {
            IncomingTransactionView found = find(connection, txId, true);
            if (!TxStatus.valueOf(found.status()).retryable()) {
                throw new TransactionStateException("Only a DEFERRED, ERROR or CONFLICT transaction can be retried; "
                        + txId + " is " + found.status());
            }
            store.putBackInLine(connection, txId);
            return found;
        });
        Log.infof("Transaction %s (seq %d of %s) put back in line for apply", txId, tx.seq(), tx.producer());
        worker.wake();
        return get(txId);
    }

    /**
     * Skips the transaction that blocks its producer: it is never applied, the producer's later transactions go on.
     * Who, when and why are stored with it. Only the head of a producer's queue can be skipped, so a skip never
     * reorders what is applied.
     */
    public IncomingTransactionView skip(UUID txId, String by, String reason) {
        requireWhoAndWhy(by, reason, "skip");
        settleHead(txId, by, "skipped: " + reason.trim(), null, null);
        return get(txId);
    }

    /**
     * Skips a seq of {@code producer} that is not stored and blocks it: one the server refused on arrival (too large,
     * an unknown model or key, …) or one that will never arrive (the laptop was destroyed). A stand-in row (status
     * SKIPPED, no payload, key id {@value IncomingStore#MISSING_SKIPPED}) records who, when and why; the producer's
     * later transactions go on. The transaction itself, if it comes later, is refused with that reason and never
     * applied.
     * Only the seq right after the producer's applied seq can be skipped, so a skip never reorders what is applied.
     */
    public IncomingTransactionView skipMissing(String producer, long seq, String by, String reason) {
        requireWhoAndWhy(by, reason, "skip");
        UUID standIn = database.inTransaction("skipping seq " + seq + " of " + producer, connection -> {
            long appliedSeq = store.lockCursor(connection, producer);
            if (appliedSeq < 0) {
                throw new ProducerNotFoundException(producer);
            }
            long watermark = store.lockStoredWatermark(connection, producer);
            if (seq != appliedSeq + 1 || seq != watermark + 1) {
                throw new TransactionStateException("Only the missing seq that blocks producer " + producer
                        + " can be skipped this way; "
                        + (watermark > appliedSeq
                                ? "it is blocked by a stored transaction (seq " + (appliedSeq + 1) + "): use "
                                        + "POST /api/v1/incoming/{txId}/skip"
                                : "the seq it waits for is " + (watermark + 1)));
            }
            String why = "seq " + seq + " was never stored here; skipped as missing: " + reason.trim();
            return store.storeSkippedStandIn(connection, new StreamPosition(producer, seq), watermark, by.trim(), why);
        });
        Log.infof("Missing seq %d of %s SKIPPED by %s: %s", seq, producer, by.trim(), reason.trim());
        worker.wake();
        return get(standIn);
    }

    /** Refusals recorded at ingest, newest first, of {@code producer} (and {@code seq}) when given. */
    public List<Refusal> refusals(String producer, Long seq, @Paging.Offset int offset, @Paging.Limit int limit) {
        List<Refusal> refusals = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement ps = connection.prepareStatement("SELECT tx_id, producer, seq, sender, batch_id, "
                        + "reason, rejected_at, problem_type FROM rejected_transaction WHERE (? IS NULL OR producer = "
                        + "?) AND (CAST(? AS BIGINT) IS NULL OR seq = ?) ORDER BY id DESC LIMIT ? OFFSET ?")) {
            ps.setString(1, producer);
            ps.setString(2, producer);
            ps.setObject(3, seq, java.sql.Types.BIGINT);
            ps.setObject(4, seq, java.sql.Types.BIGINT);
            ps.setInt(5, limit);
            ps.setInt(6, offset);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    refusals.add(new Refusal(
                            rs.getObject(1, UUID.class),
                            rs.getString(2),
                            rs.getObject(3) == null ? null : rs.getLong(3),
                            rs.getString(4),
                            rs.getObject(5, UUID.class),
                            rs.getString(6),
                            rs.getObject(7, OffsetDateTime.class),
                            rs.getString(8)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("listing refusals failed", e);
        }
        return refusals;
    }

    /** How an admin settles a natural-key clash (a CONFLICT transaction). */
    public static final Set<String> RESOLUTIONS = Set.of("keep-existing", "reject");

    /**
     * Settles a natural-key clash: {@code keep-existing} merges the incoming record into the record that holds the
     * natural key (the transaction is SKIPPED and later transactions that refer to the incoming record — its own
     * changes, its dependants' foreign keys — apply to the kept one); {@code reject} skips it (its dependants then
     * wait, DEFERRED, visible). Either way nothing is overwritten and the transaction stays stored with its payload;
     * who, when and why are kept with it.
     */
    public IncomingTransactionView resolve(UUID txId, String action, String by, String reason) {
        if (action == null || !RESOLUTIONS.contains(action)) {
            throw new InvalidInputException(
                    "Unknown resolution",
                    List.of(new FieldError("action", "must be one of " + new java.util.TreeSet<>(RESOLUTIONS))));
        }
        requireWhoAndWhy(by, reason, "resolution");
        settleHead(txId, by, null, TxStatus.CONFLICT, (connection, tx, holder) -> {
            if (action.equals("reject")) {
                return "rejected (its natural key belongs to record " + holder + "): " + reason.trim();
            }
            RecordAliases.add(connection, tx.recordId(), tx.model(), holder, tx.txId(), by.trim());
            return "merged into record " + holder + " (same natural key), which is kept: " + reason.trim();
        });
        return get(txId);
    }

    private static void requireWhoAndWhy(String by, String reason, String what) {
        List<FieldError> errors = new ArrayList<>();
        if (by == null || by.isBlank() || by.length() > 50) {
            errors.add(new FieldError("X-Collect-User", "required: who decides (at most 50 characters)"));
        }
        if (reason == null || reason.isBlank() || reason.length() > 500) {
            errors.add(new FieldError("reason", "required: why (at most 500 characters)"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException("A " + what + " must say who and why", errors);
        }
    }

    /** What a resolution does before its transaction is marked SKIPPED; returns the reason stored with it. */
    @FunctionalInterface
    private interface Settlement {
        String apply(Connection connection, IncomingTransactionView tx, UUID conflictWith) throws SQLException;
    }

    /**
     * Marks the transaction at the head of its producer's queue SKIPPED (never applied) and moves the producer on,
     * after {@code settlement} (if any) ran in the same database transaction.
     */
    private void settleHead(UUID txId, String by, String statusReason, TxStatus requiredStatus, Settlement settlement) {
        database.inTransaction("settling transaction " + txId, connection -> {
            // lock the producer's cursor before the transaction's row: the apply worker takes them in this order,
            // so a skip and an apply cycle can never deadlock
            long appliedSeq =
                    store.lockCursor(connection, find(connection, txId, false).producer());
            IncomingTransactionView tx = find(connection, txId, true);
            TxStatus status = TxStatus.valueOf(tx.status());
            if (status.settled()) {
                throw new TransactionStateException("Transaction " + txId + " is already " + tx.status());
            }
            if (requiredStatus != null && status != requiredStatus) {
                throw new TransactionStateException(
                        "Only a " + requiredStatus + " transaction can be resolved; " + txId + " is " + tx.status());
            }
            if (tx.seq() != appliedSeq + 1) {
                throw new TransactionStateException("Only the transaction that blocks producer " + tx.producer()
                        + " (seq " + (appliedSeq + 1) + ") can be skipped; " + txId + " is seq " + tx.seq());
            }
            String reason = settlement == null
                    ? statusReason
                    : settlement.apply(connection, tx, store.conflictWith(connection, txId));
            store.markSkipped(connection, txId, new StreamPosition(tx.producer(), tx.seq()), by.trim(), reason);
            Log.infof(
                    "Transaction %s (seq %d of %s, %s) SKIPPED by %s: %s",
                    txId, tx.seq(), tx.producer(), tx.status(), by.trim(), reason);
            return null;
        });
        worker.wake();
    }

    /**
     * Counts per status, refusals, conflicts, apply lag and per-producer progress with what holds each back; with a
     * {@code site}, only for the producers of that site (the site of each producer's latest stored transaction).
     */
    public ServerStatus status(@SiteId String site) {
        // producers of the site: the filter each count adds (bound to the site once per use)
        String ofSite = site == null ? "" : " AND producer IN (SELECT producer FROM producer_state WHERE site = ?)";
        try (Connection connection = database.dataSource().getConnection()) {
            Map<String, Long> counts = new TreeMap<>();
            for (TxStatus status : TxStatus.values()) {
                counts.put(status.name(), 0L);
            }
            // Counting APPLIED rows would read the whole table; instead: ingest keeps each producer's count of
            // stored rows, and the rows not APPLIED are few and indexed.
            long stored = single(
                    connection,
                    "SELECT COALESCE(SUM(stored_count), 0) FROM producer_state"
                            + (site == null ? "" : " WHERE site = ?"),
                    site,
                    1);
            long notApplied = 0;
            try (PreparedStatement ps = connection.prepareStatement("SELECT status, COUNT(*) FROM "
                    + "incoming_transaction WHERE status <> '" + TxStatus.APPLIED + "'" + ofSite
                    + " GROUP BY status")) {
                bind(ps, site, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        counts.put(rs.getString(1), rs.getLong(2));
                        notApplied += rs.getLong(2);
                    }
                }
            }
            counts.put(TxStatus.APPLIED.name(), stored - notApplied);
            long rejected =
                    single(connection, "SELECT COUNT(*) FROM rejected_transaction WHERE 1 = 1" + ofSite, site, 1);
            long conflicts = single(
                    connection,
                    "SELECT COUNT(*) FROM record_conflict WHERE 1 = 1"
                            + (site == null
                                    ? ""
                                    : " AND (winner_producer IN (SELECT producer FROM producer_state WHERE site = ?) "
                                            + "OR loser_producer IN (SELECT producer FROM producer_state WHERE site = "
                                            + "?))"),
                    site,
                    2);
            long lag = 0;
            try (PreparedStatement ps = connection.prepareStatement("SELECT MIN(received_at) FROM "
                    + "incoming_transaction WHERE status IN ("
                    + TxStatus.sqlList(TxStatus.RECEIVED, TxStatus.DEFERRED, TxStatus.ERROR, TxStatus.CONFLICT)
                    + ") AND status <> '" + TxStatus.APPLIED + "'" + ofSite)) {
                bind(ps, site, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    OffsetDateTime oldest = rs.getObject(1, OffsetDateTime.class);
                    if (oldest != null) {
                        lag = Math.max(
                                0,
                                Duration.between(oldest, OffsetDateTime.now(ZoneOffset.UTC))
                                        .toSeconds());
                    }
                }
            }
            int cap = config.status().maxProducers();
            List<ProducerProgress> producers = producers(connection, site, cap + 1);
            Long notListed = null;
            if (producers.size() > cap) {
                producers = producers.subList(0, cap);
                notListed = single(
                                connection,
                                "SELECT COUNT(*) FROM producer_state" + (site == null ? "" : " WHERE site = ?"),
                                site,
                                1)
                        - cap;
            }
            return new ServerStatus(site, counts, rejected, lag, producers, conflicts, null, notListed);
        } catch (SQLException e) {
            throw new IllegalStateException("reading the status failed", e);
        }
    }

    private static long single(Connection connection, String sql, String site, int siteParameters) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bind(ps, site, siteParameters);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Binds {@code site} to the first {@code count} parameters; nothing when there is no site filter. */
    private static void bind(PreparedStatement ps, String site, int count) throws SQLException {
        for (int i = 1; site != null && i <= count; i++) {
            ps.setString(i, site);
        }
    }

    private static List<ProducerProgress> producers(Connection connection, String site, int limit) throws SQLException {
        List<ProducerProgress> producers = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT s.producer, s.stored_watermark, s.max_seq, "
                + "c.applied_seq, s.last_received_at, c.last_applied_at, h.tx_id, h.seq, h.status, h.status_reason, "
                + "s.site, s.diverged_at, s.diverged_seq, s.diverged_count "
                + "FROM producer_state s JOIN apply_cursor c ON c.producer = s.producer "
                + "LEFT JOIN incoming_transaction h ON h.producer = s.producer AND h.seq = c.applied_seq + 1 "
                + "AND h.status IN (" + TxStatus.sqlList(TxStatus.DEFERRED, TxStatus.ERROR, TxStatus.CONFLICT) + ")"
                + (site == null ? "" : " WHERE s.site = ?")
                + " ORDER BY s.producer LIMIT " + limit)) {
            bind(ps, site, 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long watermark = rs.getLong(2);
                    long max = rs.getLong(3);
                    UUID head = rs.getObject(7, UUID.class);
                    producers.add(new ProducerProgress(
                            rs.getString(1),
                            rs.getString(11),
                            watermark,
                            max,
                            rs.getLong(4),
                            max > watermark ? watermark + 1 : null,
                            head == null ? null : new Blocker(head, rs.getLong(8), rs.getString(9), rs.getString(10)),
                            rs.getObject(5, OffsetDateTime.class),
                            rs.getObject(6, OffsetDateTime.class),
                            divergence(
                                    rs.getString(1),
                                    rs.getObject(12, OffsetDateTime.class),
                                    rs.getLong(13),
                                    rs.getLong(14)),
                            null));
                }
            }
        }
        List<ProducerProgress> explained = new ArrayList<>(producers.size());
        for (ProducerProgress p : producers) {
            explained.add(
                    p.waitingForSeq() == null
                            ? p
                            : new ProducerProgress(
                                    p.producer(),
                                    p.site(),
                                    p.storedWatermark(),
                                    p.maxSeq(),
                                    p.appliedSeq(),
                                    p.waitingForSeq(),
                                    p.blockedBy(),
                                    p.lastReceivedAt(),
                                    p.lastAppliedAt(),
                                    p.diverged(),
                                    waitingReason(connection, p.producer(), p.waitingForSeq())));
        }
        return explained;
    }

    /** Why a producer's seq is missing (refused on arrival, or not arrived), and the remedies. */
    private static String waitingReason(Connection connection, String producer, long seq) throws SQLException {
        String skip = "POST /api/v1/incoming/missing/" + producer + "/" + seq + "/skip (audited)";
        try (PreparedStatement ps = connection.prepareStatement("SELECT tx_id, sender, reason, rejected_at "
                + "FROM rejected_transaction WHERE producer = ? AND seq = ? ORDER BY id DESC LIMIT 1")) {
            ps.setString(1, producer);
            ps.setLong(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return "seq " + seq + " (txId " + rs.getObject(1, UUID.class) + ") was refused on arrival at "
                            + rs.getObject(4, OffsetDateTime.class) + " from " + rs.getString(2) + ": "
                            + rs.getString(3) + ". Fix the cause (e.g. upgrade this server, install the key) and the "
                            + "device's next re-send applies; or skip it: " + skip;
                }
            }
        }
        return "seq " + seq + " has not arrived: the device or a middleman still holds it (or a file not imported "
                + "yet). If it never will (the laptop was destroyed), skip it: " + skip;
    }

    private static ServerStatus.Divergence divergence(String producer, OffsetDateTime at, long fromSeq, long claims) {
        if (at == null) {
            return null;
        }
        return new ServerStatus.Divergence(
                at,
                fromSeq,
                claims,
                "Seq " + fromSeq + " of " + producer + " was "
                        + "claimed by another transaction than the one stored here: device "
                        + ProducerId.deviceOf(producer)
                        + " was restored from a backup, reinstalled with the same id, or "
                        + "cloned. The claims were refused and nothing stored here changed; the device re-issues its "
                        + "changes on a new stream (" + ProducerId.deviceOf(producer)
                        + "~…), listed as its own producer. "
                        + "See the runbook, 'A laptop restored, reinstalled or cloned'.");
    }

    private static IncomingTransactionView find(Connection connection, UUID txId, boolean lock) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + VIEW_COLUMNS
                + " FROM incoming_transaction WHERE tx_id = ?" + (lock ? " FOR UPDATE" : ""))) {
            ps.setObject(1, txId);
            List<IncomingTransactionView> found = views(ps);
            if (found.isEmpty()) {
                throw new TransactionNotFoundException(txId);
            }
            return found.get(0);
        }
    }

    private static List<IncomingTransactionView> views(PreparedStatement ps) throws SQLException {
        List<IncomingTransactionView> views = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                views.add(new IncomingTransactionView(
                        rs.getObject(1, UUID.class),
                        rs.getString(2),
                        rs.getLong(3),
                        rs.getString(4),
                        rs.getObject(5, UUID.class),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getObject(8, UUID.class),
                        rs.getObject(9, OffsetDateTime.class),
                        rs.getString(10),
                        rs.getString(11),
                        rs.getInt(12),
                        rs.getObject(13, OffsetDateTime.class),
                        rs.getString(14),
                        rs.getString(15)));
            }
        }
        return views;
    }
}
