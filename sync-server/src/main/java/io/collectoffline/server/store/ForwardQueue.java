package io.collectoffline.server.store;

import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.Paging;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.protocol.TransactionResult;
import io.collectoffline.protocol.TransactionStatus;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.model.StoredPositions;
import io.collectoffline.shipping.ClockSetBack;
import io.collectoffline.shipping.Every;
import io.collectoffline.shipping.ShippingQueue;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The stored transactions still to travel upstream, and the marks the upstream's word puts on them: the one owner
 * of the forward marks of {@code incoming_transaction} ({@code forwarded_at}, {@code forwarded_via},
 * {@code forward_rejected}, {@code export_batch_id}), for REST forwarding and for files alike. A transaction
 * is marked forwarded only on the upstream's ACCEPTED or DUPLICATE, a file receipt, or its watermark — never when
 * it is sent or exported (DESIGN §8) — and made pending again when the upstream no longer holds it (restored from a
 * backup: {@link #requeue}).
 */
@ApplicationScoped
public class ForwardQueue implements ShippingQueue {

    /** Makes refused, unforwarded transactions pending again (for REST and for the next export file alike). */
    private static final String REQUEUE = "UPDATE incoming_transaction SET forward_rejected = NULL, "
            + "forward_rejected_at = NULL, export_batch_id = NULL WHERE forwarded_at IS NULL "
            + "AND forward_rejected IS NOT NULL";

    /** Producers read per query when listing those with work; all pages are read. */
    private static final int PRODUCER_PAGE = 1000;

    private final ActiveDatabase database;
    /** Producers asked about per pass while a round runs. */
    static final int CHECK_SLICE = 100;

    /** How often a pass looks for refusals to send again. */
    private static final Duration REQUEUE_EVERY = Duration.ofMinutes(1);

    /** When a pass last looked for refusals to send again. */
    private final Every requeue = new Every();

    /** Where the round of checks stands: the last producer asked about; null when no round runs. */
    private volatile String roundAfter;

    ForwardQueue(ActiveDatabase database) {
        this.database = database;
    }

    /** Producers with transactions not yet forwarded, all of them, read in pages. */
    @Override
    public List<String> producers() {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT DISTINCT producer FROM incoming_transaction "
                        + "WHERE forwarded_at IS NULL AND forward_rejected IS NULL AND producer > ? ORDER BY producer "
                        + "LIMIT " + PRODUCER_PAGE)) {
            return KeysetPages.readAll(ps, PRODUCER_PAGE);
        } catch (SQLException e) {
            throw new IllegalStateException("listing producers to forward failed", e);
        }
    }

    /**
     * The producers a pass asks the upstream about: those with something to forward and, while a round runs
     * ({@link #startRound}), the next {@value #CHECK_SLICE} of every producer this server holds, so that one pass
     * never waits for thousands of watermark requests over a slow link.
     */
    @Override
    public List<String> producersToCheck() {
        String after = roundAfter;
        if (after == null) {
            return producers();
        }
        java.util.SortedSet<String> producers = new java.util.TreeSet<>(producers());
        List<String> slice;
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT producer FROM producer_state WHERE producer > ? "
                        + "ORDER BY producer LIMIT " + CHECK_SLICE)) {
            slice = KeysetPages.readAfter(ps, after);
        } catch (SQLException e) {
            throw new IllegalStateException("listing producers failed", e);
        }
        roundAfter = slice.size() < CHECK_SLICE ? null : slice.get(slice.size() - 1);
        producers.addAll(slice);
        return new ArrayList<>(producers);
    }

    /**
     * Starts a round of passes that ask the upstream about every producer this server holds, a slice per pass, so
     * that what an upstream restored from a backup lost is found for producers that send nothing new as well. Passes
     * run one at a time (the forwarding job's lock). No effect while a round runs.
     */
    public void startRound() {
        if (roundAfter == null) {
            roundAfter = "";
        }
    }

    /** Ends the round running, if any, before it asked about every producer (the upstream was out of reach). */
    public void endRound() {
        roundAfter = null;
    }

    /** Whether a round started by {@link #startRound} still has producers to ask about. */
    public boolean roundRunning() {
        return roundAfter != null;
    }

    @Override
    public long pending() {
        // not counted: forwarding shows no progress, and the count scans the whole store on every pass
        return 0;
    }

    @Override
    public List<TransactionEnvelope> next(Position after, int maxCount) {
        return next(after, maxCount, false);
    }

    /** Unforwarded transactions after {@code after} by producer and seq; only those in no export when asked. */
    public List<TransactionEnvelope> next(Position after, int limit, boolean notExported) {
        List<TransactionEnvelope> page = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT tx_id, producer, seq, model, record_id, action, "
                        + "captured_at, key_id, payload, site, reissued_from_producer, reissued_from_seq, signer, "
                        + "signature FROM incoming_transaction WHERE forwarded_at IS NULL "
                        + "AND forward_rejected IS NULL" + (notExported ? " AND export_batch_id IS NULL" : "")
                        + " AND (producer > ? OR (producer = ? AND seq > ?)) ORDER BY producer, seq LIMIT ?")) {
            ps.setString(1, after.producer());
            ps.setString(2, after.producer());
            ps.setLong(3, after.seq());
            ps.setInt(4, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime captured = rs.getObject(7, OffsetDateTime.class);
                    page.add(new TransactionEnvelope(
                            rs.getObject(1, UUID.class),
                            rs.getString(2),
                            rs.getLong(3),
                            rs.getString(4),
                            rs.getObject(5, UUID.class),
                            Action.valueOf(rs.getString(6)),
                            captured == null ? null : captured.toInstant(),
                            rs.getString(8),
                            rs.getBytes(9),
                            rs.getString(10),
                            StoredPositions.reissuedFrom(rs, 11),
                            rs.getString(13),
                            rs.getBytes(14)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading transactions to forward failed", e);
        }
        return page;
    }

    /**
     * Unforwarded transactions of {@code producer} after {@code afterSeq} up to {@code upTo}: the upstream may
     * hold them.
     */
    @Override
    public List<Pending> pendingUpTo(String producer, long afterSeq, long upTo, int limit) {
        List<Pending> page = new ArrayList<>();
        for (TransactionEnvelope e : next(new Position(producer, afterSeq), limit, false)) {
            if (!e.producer().equals(producer) || e.seq() > upTo) {
                break;
            }
            page.add(new Pending(e.txId(), e.seq()));
        }
        return page;
    }

    /** Whether {@code producer}'s {@code seq} is marked forwarded here. */
    @Override
    public boolean marksDelivered(String producer, long seq) {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM incoming_transaction WHERE producer = ? "
                        + "AND seq = ? AND forwarded_at IS NOT NULL")) {
            ps.setString(1, producer);
            ps.setLong(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the forward state failed", e);
        }
    }

    /** Forwarded transactions of {@code producer} after {@code afterSeq}, in seq order. */
    @Override
    public List<Pending> deliveredAfter(String producer, long afterSeq, int limit) {
        List<Pending> page = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT tx_id, seq FROM incoming_transaction WHERE "
                        + "producer = ? AND seq > ? AND forwarded_at IS NOT NULL ORDER BY producer, seq LIMIT ?")) {
            ps.setString(1, producer);
            ps.setLong(2, afterSeq);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    page.add(new Pending(rs.getObject(1, UUID.class), rs.getLong(2)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the forward state failed", e);
        }
        return page;
    }

    /**
     * Makes forwarded transactions pending again: the upstream's watermark and its answer by txId say it no longer
     * holds them (restored from a backup).
     */
    @Override
    public int requeue(List<UUID> txIds) {
        int marked = 0;
        for (UUID txId : txIds) {
            marked += update(
                    "UPDATE incoming_transaction SET forwarded_at = NULL, forwarded_via = NULL "
                            + "WHERE forwarded_at IS NOT NULL AND tx_id = ?",
                    txId);
        }
        return marked;
    }

    /** Marks forwarded what the upstream said it holds, by txId (README, Guarantees 8). */
    @Override
    public int markHeld(List<UUID> held) {
        int marked = 0;
        for (UUID txId : held) {
            marked += update(
                    "UPDATE incoming_transaction SET forwarded_at = ?, forwarded_via = 'HELD' "
                            + "WHERE forwarded_at IS NULL AND tx_id = ?",
                    now(),
                    txId);
        }
        return marked;
    }

    /** Records the upstream's per-transaction answer to {@code batch}, in one connection. */
    @Override
    public Recorded record(List<TransactionEnvelope> batch, List<TransactionResult> results) {
        int accepted = 0;
        int duplicate = 0;
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement refused = c.prepareStatement("UPDATE incoming_transaction SET forward_rejected = ?, "
                        + "forward_rejected_at = ? WHERE tx_id = ?");
                PreparedStatement delivered = c.prepareStatement("UPDATE incoming_transaction SET forwarded_at = ?, "
                        + "forwarded_via = ? WHERE tx_id = ? AND forwarded_at IS NULL")) {
            OffsetDateTime now = now();
            for (TransactionResult result : results) {
                if (result.status() == TransactionStatus.REJECTED) {
                    refused.setString(1, result.reason() == null ? "rejected upstream" : truncate(result.reason()));
                    refused.setObject(2, now);
                    refused.setObject(3, result.txId());
                    refused.addBatch();
                } else {
                    accepted += result.status() == TransactionStatus.ACCEPTED ? 1 : 0;
                    duplicate += result.status() == TransactionStatus.DUPLICATE ? 1 : 0;
                    delivered.setObject(1, now);
                    delivered.setString(2, result.status().name());
                    delivered.setObject(3, result.txId());
                    delivered.addBatch();
                }
            }
            delivered.executeBatch();
            return new Recorded(accepted, duplicate, sum(refused.executeBatch()), false);
        } catch (SQLException e) {
            throw new IllegalStateException("recording the upstream's answer failed", e);
        }
    }

    /**
     * Never: the upstream's answer only marks transactions forwarded or refused; it never re-orders this queue. So
     * the engine records it while the next batch travels ({@link ShippingQueue#mayRestart}).
     */
    @Override
    public boolean mayRestart(List<TransactionResult> results) {
        return false;
    }

    /** Takes {@code tx} out of forwarding: the upstream cannot take it even alone. */
    @Override
    public void refuse(TransactionEnvelope tx, String reason) {
        update(
                "UPDATE incoming_transaction SET forward_rejected = ?, forward_rejected_at = ? WHERE tx_id = ? "
                        + "AND forwarded_at IS NULL",
                truncate(reason),
                now(),
                tx.txId());
    }

    /** Records, in the caller's database transaction, that export {@code batchId} carries {@code txIds}. */
    public static void markExported(Connection c, UUID batchId, List<UUID> txIds) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("UPDATE incoming_transaction SET export_batch_id = ? WHERE tx_id = ?")) {
            for (UUID txId : txIds) {
                ps.setObject(1, batchId);
                ps.setObject(2, txId);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Applies an importer's receipt for export {@code batchId}, in the caller's database transaction: what it
     * refused is marked with the reason, the rest of the file forwarded. Returns {delivered now, refused now}.
     */
    public static int[] markByReceipt(Connection c, UUID batchId, Map<UUID, String> refusals) throws SQLException {
        int rejected = 0;
        try (PreparedStatement ps = c.prepareStatement("UPDATE incoming_transaction SET forward_rejected = ?, "
                + "forward_rejected_at = ? WHERE tx_id = ? AND export_batch_id = ? AND forwarded_at IS NULL")) {
            OffsetDateTime now = now();
            for (Map.Entry<UUID, String> refusal : refusals.entrySet()) {
                ps.setString(1, truncate(refusal.getValue()));
                ps.setObject(2, now);
                ps.setObject(3, refusal.getKey());
                ps.setObject(4, batchId);
                rejected += ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE incoming_transaction SET forwarded_at = ?, "
                + "forwarded_via = 'RECEIPT' WHERE export_batch_id = ? AND forwarded_at IS NULL "
                + "AND forward_rejected IS NULL")) {
            ps.setObject(1, now());
            ps.setObject(2, batchId);
            return new int[] {ps.executeUpdate(), rejected};
        }
    }

    /**
     * A transaction the upstream refused, with its reason: kept here, not forwarded, until it is sent again
     * ({@link #requeueRefused}).
     */
    public record Refused(
            UUID txId,
            String producer,
            long seq,
            String model,
            UUID recordId,
            String reason,
            OffsetDateTime refusedAt) {}

    /** The transactions the upstream refused, oldest refusal first, at most {@code limit}. */
    public List<Refused> refused(@Paging.Limit int limit) {
        List<Refused> refused = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT tx_id, producer, seq, model, record_id, "
                        + "forward_rejected, forward_rejected_at FROM incoming_transaction WHERE forwarded_at IS NULL "
                        + "AND forward_rejected IS NOT NULL ORDER BY forward_rejected_at, producer, seq LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    refused.add(new Refused(
                            rs.getObject(1, UUID.class),
                            rs.getString(2),
                            rs.getLong(3),
                            rs.getString(4),
                            rs.getObject(5, UUID.class),
                            rs.getString(6),
                            rs.getObject(7, OffsetDateTime.class)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("listing the transactions the upstream refused failed", e);
        }
        return refused;
    }

    /**
     * Makes the transactions the upstream refused before {@code before} pending again, by REST and in the next
     * export file alike: the cause may have been fixed there (a limit raised, an upgrade, its keys restored). A
     * refusal is never for ever (README, Guarantees 23): one recorded by this server's clock before it was set back
     * ({@link ClockSetBack}) counts as refused long ago. Returns how many.
     */
    public int requeueRefused(OffsetDateTime before) {
        int requeued = update(
                REQUEUE + " AND (forward_rejected_at < ? OR forward_rejected_at > ?)",
                before,
                ClockSetBack.limit(Instant.now()).atOffset(ZoneOffset.UTC));
        if (requeued > 0) {
            Log.infof("Sending %d transactions the upstream refused (before %s) to it again", requeued, before);
        }
        return requeued;
    }

    /** Makes every transaction the upstream refused pending again, whenever it was refused (an admin's retry). */
    public int requeueEveryRefused() {
        int requeued = update(REQUEUE);
        if (requeued > 0) {
            Log.infof("Sending %d transactions the upstream refused to it again, as an admin asked", requeued);
        }
        return requeued;
    }

    /**
     * {@link #requeueRefused} of what was refused more than {@code after} ago: at the start of each pass, at most
     * once a minute (the query reads every transaction still to forward; a refusal waits hours anyway).
     */
    public int requeueRefused(Duration after) {
        if (!requeue.take(REQUEUE_EVERY)) {
            return 0;
        }
        return requeueRefused(now().minus(after));
    }

    private static int sum(int[] counts) {
        int total = 0;
        for (int count : counts) {
            total += Math.max(0, count);
        }
        return total;
    }

    /** Counts still to forward (and those the upstream refused), for the status. */
    public long[] backlog() {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FILTER (WHERE forwarded_at IS NULL AND "
                        + "forward_rejected IS NULL), COUNT(*) FILTER (WHERE forward_rejected IS NOT NULL) "
                        + "FROM incoming_transaction");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        } catch (SQLException e) {
            throw new IllegalStateException("counting the forward backlog failed", e);
        }
    }

    int update(String sql, Object... args) {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("updating the forward state failed", e);
        }
    }

    private static String truncate(String value) {
        return value.length() <= 2000 ? value : value.substring(0, 2000);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
