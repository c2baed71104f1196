package io.collectoffline.server.apply;

import io.collectoffline.protocol.Action;
import io.collectoffline.server.apply.ConflictRule.Version;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.model.ServerModels;
import io.collectoffline.server.store.TxStatus;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The version of each record the server holds, and the conflicting edits (ADR 8). Before a list of transactions is
 * applied, {@link #plan} decides for each whether it is in line with the held version (applied), or a conflicting
 * edit — then the rule ({@link ConflictRule}) says whether it replaces the held version (applied, conflict
 * recorded) or loses (not written, conflict recorded; it stays in the history). {@link Plan#save} stores the new
 * held versions and the conflicts of the transactions that were applied.
 */
@ApplicationScoped
public class RecordHeads {

    private final ActiveDatabase database;
    private final ServerModels models;

    RecordHeads(ActiveDatabase database, ServerModels models) {
        this.database = database;
        this.models = models;
    }

    /** A change to decide about: what {@code ProducerApplier} knows of a transaction. */
    public record Change(
            UUID txId, String producer, String model, UUID recordId, Action action, long rev, UUID baseTxId) {}

    /** What happened to one change: whether its values are written, and the conflict it caused, if any. */
    record Step(Change change, boolean write, Version newHead, boolean persistHead, Conflict conflict, long rev) {}

    record Conflict(String model, UUID recordId, Version winner, Version loser) {}

    /** The decisions for a list of changes, in order. */
    public final class Plan {

        private final List<Step> steps;

        private Plan(List<Step> steps) {
            this.steps = steps;
        }

        /** Whether the i-th change's values are written (false: it lost a conflict). */
        public boolean writes(int i) {
            return steps.get(i).write();
        }

        /** Stores the held versions and conflicts that the first {@code applied} changes brought. */
        public void save(Connection connection, int applied) throws SQLException {
            Map<UUID, Step> heads = new LinkedHashMap<>();
            List<Conflict> conflicts = new ArrayList<>();
            List<Step> revised = new ArrayList<>();
            for (Step step : steps.subList(0, applied)) {
                if (step.rev() > 1) {
                    revised.add(step);
                }
                if (step.persistHead()) {
                    heads.put(step.change().recordId(), step);
                }
                if (step.conflict() != null) {
                    conflicts.add(step.conflict());
                }
            }
            if (!heads.isEmpty()) {
                try (PreparedStatement ps = connection.prepareStatement(
                        database.isPostgresql()
                                ? "INSERT INTO record_head (record_id, model, tx_id, rev, producer) VALUES (?, ?, ?, "
                                        + "?, ?) "
                                        + "ON CONFLICT (record_id) DO UPDATE SET tx_id = EXCLUDED.tx_id, rev = "
                                        + "EXCLUDED.rev, "
                                        + "producer = EXCLUDED.producer"
                                : "MERGE INTO record_head (record_id, model, tx_id, rev, producer) KEY (record_id) "
                                        + "VALUES (?, ?, ?, ?, ?)")) {
                    for (Step step : heads.values()) {
                        ps.setObject(1, step.change().recordId());
                        ps.setString(2, step.change().model());
                        ps.setObject(3, step.newHead().txId());
                        ps.setLong(4, step.newHead().rev());
                        ps.setString(5, step.newHead().producer());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            if (!revised.isEmpty()) {
                try (PreparedStatement ps = connection.prepareStatement(
                        database.isPostgresql()
                                ? "INSERT INTO tx_rev (tx_id, rev) VALUES (?, ?) ON CONFLICT (tx_id) DO NOTHING"
                                : "MERGE INTO tx_rev (tx_id, rev) KEY (tx_id) VALUES (?, ?)")) {
                    for (Step step : revised) {
                        ps.setObject(1, step.change().txId());
                        ps.setLong(2, step.rev());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            if (!conflicts.isEmpty()) {
                OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                try (PreparedStatement ps = connection.prepareStatement("INSERT INTO record_conflict (model, "
                        + "record_id, winner_tx_id, winner_producer, winner_rev, loser_tx_id, loser_producer, "
                        + "loser_rev, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    for (Conflict c : conflicts) {
                        ps.setString(1, c.model());
                        ps.setObject(2, c.recordId());
                        ps.setObject(3, c.winner().txId());
                        ps.setString(4, c.winner().producer());
                        ps.setLong(5, c.winner().rev());
                        ps.setObject(6, c.loser().txId());
                        ps.setString(7, c.loser().producer());
                        ps.setLong(8, c.loser().rev());
                        ps.setObject(9, now);
                        ps.addBatch();
                        Log.warnf(
                                "Conflicting edits of %s %s: %s (rev %d, %s) kept over %s (rev %d, %s)",
                                c.model(),
                                c.recordId(),
                                c.winner().txId(),
                                c.winner().rev(),
                                c.winner().producer(),
                                c.loser().txId(),
                                c.loser().rev(),
                                c.loser().producer());
                    }
                    ps.executeBatch();
                }
            }
        }
    }

    /**
     * Decides, in order, about each change against the held versions (and the changes before it in the list). A
     * change's revision is derived from the lineage this server holds — its base's revision here plus one — never
     * the number the device states: a device cannot win conflicts by claiming a high revision.
     */
    public Plan plan(Connection connection, List<Change> changes) throws SQLException {
        Map<UUID, Version> held = held(connection, changes);
        Map<UUID, Long> known = revisions(connection, changes);
        List<Step> steps = new ArrayList<>(changes.size());
        for (Change change : changes) {
            Version head = held.get(change.recordId());
            long rev;
            if (change.rev() == 0) {
                rev = head == null ? 1 : head.rev() + 1; // from a laptop without lineage: in line
            } else if (change.baseTxId() == null) {
                rev = 1; // a first version
            } else if (head != null && head.txId().equals(change.baseTxId())) {
                rev = head.rev() + 1;
            } else {
                // a base with no recorded revision was a first version (rev 1: not recorded, to spare a row per
                // insert) — or is unknown here, which proves no more than that
                rev = known.getOrDefault(change.baseTxId(), 1L) + 1;
            }
            Version incoming = new Version(change.txId(), rev, change.producer());
            Step step;
            if (head == null) {
                // the record's first version here: only a first INSERT needs no row (its transaction is the head)
                step = new Step(change, true, incoming, change.action() != Action.INSERT || rev > 1, null, rev);
            } else if (change.rev() == 0 || head.txId().equals(change.baseTxId())) {
                step = new Step(change, true, incoming, true, null, rev); // in line (or without lineage)
            } else if (ConflictRule.wins(incoming, head)) {
                step = new Step(
                        change,
                        true,
                        incoming,
                        true,
                        new Conflict(change.model(), change.recordId(), incoming, head),
                        rev);
            } else {
                step = new Step(
                        change,
                        false,
                        head,
                        true,
                        new Conflict(change.model(), change.recordId(), head, incoming),
                        rev);
            }
            held.put(change.recordId(), step.newHead());
            known.put(change.txId(), rev);
            steps.add(step);
        }
        return new Plan(steps);
    }

    /** The revisions this server derived for the changes' bases. */
    private static Map<UUID, Long> revisions(Connection connection, List<Change> changes) throws SQLException {
        Map<UUID, Long> known = new HashMap<>();
        Object[] bases = changes.stream()
                .map(Change::baseTxId)
                .filter(java.util.Objects::nonNull)
                .distinct()
                .toArray();
        if (bases.length == 0) {
            return known;
        }
        try (PreparedStatement ps =
                connection.prepareStatement("SELECT tx_id, rev FROM tx_rev WHERE tx_id = ANY (?)")) {
            ps.setArray(1, connection.createArrayOf("uuid", bases));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    known.put(rs.getObject(1, UUID.class), rs.getLong(2));
                }
            }
        }
        return known;
    }

    /**
     * The held version of each record the changes touch: its record_head row, or else its one applied transaction
     * (a first INSERT). Records with several applied transactions and no row date from before lineage: the last
     * applied one is taken, with their count as revision.
     */
    private Map<UUID, Version> held(Connection connection, List<Change> changes) throws SQLException {
        Map<UUID, Version> held = new HashMap<>();
        Object[] ids = changes.stream().map(Change::recordId).distinct().toArray();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT record_id, tx_id, rev, producer FROM record_head WHERE record_id = ANY (?)")) {
            ps.setArray(1, connection.createArrayOf("uuid", ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    held.put(
                            rs.getObject(1, UUID.class),
                            new Version(rs.getObject(2, UUID.class), rs.getLong(3), rs.getString(4)));
                }
            }
        }
        // Records without a row: a first INSERT whose id the study table does not hold yet is a new record and needs
        // no look at the stored transactions (a probe of the primary key the upsert is about to touch anyway).
        Map<String, List<UUID>> byModel = new TreeMap<>();
        Map<String, List<UUID>> inserts = new TreeMap<>();
        for (Change change : changes) {
            if (!held.containsKey(change.recordId())) {
                (change.action() == Action.INSERT ? inserts : byModel)
                        .computeIfAbsent(change.model(), m -> new ArrayList<>())
                        .add(change.recordId());
            }
        }
        for (Map.Entry<String, List<UUID>> model : inserts.entrySet()) {
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT id FROM " + models.table(model.getKey()).model().table() + " WHERE id = ANY (?)")) {
                ps.setArray(
                        1,
                        connection.createArrayOf(
                                "uuid", model.getValue().stream().distinct().toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byModel.computeIfAbsent(model.getKey(), m -> new ArrayList<>())
                                .add(rs.getObject(1, UUID.class));
                    }
                }
            }
        }
        for (Map.Entry<String, List<UUID>> model : byModel.entrySet()) {
            Map<UUID, Integer> count = new HashMap<>();
            try (PreparedStatement ps = connection.prepareStatement("SELECT record_id, tx_id, producer FROM "
                    + "incoming_transaction WHERE model = ? AND record_id = ANY (?) AND status = '"
                    + TxStatus.APPLIED + "' ORDER BY applied_at, seq")) {
                ps.setString(1, model.getKey());
                ps.setArray(
                        2,
                        connection.createArrayOf(
                                "uuid", model.getValue().stream().distinct().toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        UUID record = rs.getObject(1, UUID.class);
                        int n = count.merge(record, 1, Integer::sum);
                        held.put(record, new Version(rs.getObject(2, UUID.class), n, rs.getString(3)));
                    }
                }
            }
        }
        return held;
    }
}
