package io.collectoffline.client.downsync;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.collectoffline.client.capture.CaptureRuntime;
import io.collectoffline.client.identity.NodeIdentity;
import io.collectoffline.client.keys.ServerKeyStore;
import io.collectoffline.codec.DeviceSigningKey;
import io.collectoffline.codec.KeyRing;
import io.collectoffline.codec.PayloadRejectedException;
import io.collectoffline.offline.ColumnType;
import io.collectoffline.offline.ModelDescriptor;
import io.collectoffline.offline.OfflineModelRegistry;
import io.collectoffline.offline.RecordSnapshot;
import io.collectoffline.offline.TableSchema;
import io.collectoffline.offline.Upcasters;
import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.DownSyncEntry;
import io.collectoffline.protocol.DownSyncPage;
import io.collectoffline.protocol.TransactionEnvelope;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Applies pages of this laptop's down-sync (ADR 14), each page in one database transaction with the checkpoint it
 * reaches, so an interrupted down-sync resumes at the last applied page and a page applied twice changes nothing
 * (every txId is kept in {@code received_transaction}).
 *
 * <p>The laptop follows the server's verdicts instead of judging conflicts again: the server decides each
 * conflicting edit by the revisions it derives from the lineage it holds (ADR 8), which no laptop holds, and every
 * laptop receives the verdicts in the same order. A received version is written unless this laptop has a pending
 * edit of the record (a change of its own whose verdict has not come back): then it is held, and written only if the
 * verdict says the laptop's edit lost — never over a pending edit silently. Received changes are written through the
 * capture trigger's receiving mode: history as the server knows it, no outgoing transaction (no echo).
 */
@ApplicationScoped
public class DownSyncApplier {

    private static final int REASON_MAX = 2000;

    private final AgroalDataSource dataSource;
    private final OfflineModelRegistry registry;
    private final NodeIdentity identity;
    private final Upcasters upcasters;
    private final ServerKeyStore serverKeys;
    private volatile Map<String, TableSchema> tables;
    private volatile KeyRing ring;

    DownSyncApplier(
            AgroalDataSource dataSource,
            OfflineModelRegistry registry,
            NodeIdentity identity,
            ServerKeyStore serverKeys) {
        this.serverKeys = serverKeys;
        this.dataSource = dataSource;
        this.registry = registry;
        this.identity = identity;
        this.upcasters = Upcasters.discover(registry);
    }

    /** What applying one page did. */
    record Applied(
            int applied,
            int held,
            int verdicts,
            int overruled,
            int refused,
            long checkpoint,
            String stopped,
            boolean resubscribed) {

        Applied(int applied, int held, int verdicts, int overruled, int refused, long checkpoint, String stopped) {
            this(applied, held, verdicts, overruled, refused, checkpoint, stopped, false);
        }
    }

    /** Where this laptop's down-sync stands. */
    public record State(
            long checkpoint, long latest, OffsetDateTime lastAt, String stoppedReason, String subscription) {}

    /** The position to ask after, how far the server was, when it last ended, why it stopped (or null). */
    public State state() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT checkpoint, latest, last_at, stopped_reason, subscription FROM downsync_state "
                                + "WHERE singleton = 1");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new State(
                    rs.getLong(1),
                    rs.getLong(2),
                    rs.getObject(3, OffsetDateTime.class),
                    rs.getString(4),
                    rs.getString(5));
        } catch (SQLException e) {
            throw new IllegalStateException("reading the down-sync state failed", e);
        }
    }

    /** Records that a down-sync ended without an error, with nothing more to receive or stopped at an entry. */
    void ended(OffsetDateTime at) {
        update("UPDATE downsync_state SET last_at = ? WHERE singleton = 1", at);
    }

    /** Records received from the server and held here, per outcome. */
    public Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT outcome, COUNT(*) FROM received_transaction GROUP BY outcome ORDER BY outcome");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
            return counts;
        } catch (SQLException e) {
            throw new IllegalStateException("counting received transactions failed", e);
        }
    }

    /** How many server versions are held back by pending local edits. */
    long heldBack() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM held_version WHERE refused IS NULL");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("counting held versions failed", e);
        }
    }

    /**
     * Applies {@code page} if it starts where this laptop stands (a page for another position — a late answer to
     * an earlier request — changes nothing). Stops before an entry this laptop must not apply yet (a schema version
     * newer than its app knows); the checkpoint then stays before that entry.
     */
    Applied apply(DownSyncPage page) {
        return apply(page, true);
    }

    /**
     * Applies {@code page}, received from the server itself ({@code direct}) or carried by a middleman. The page must
     * carry its server's signature for this laptop (over every entry), and each entry name, as the entry before it,
     * the position this laptop holds: a forged or altered page is not applied, and after a page left out the
     * down-sync stops before the gap, with the reason.
     */
    Applied apply(DownSyncPage page, boolean direct) {
        int[] n = new int[5];
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long checkpoint = lockCheckpoint(c);
                String subscription = subscription(c);
                if (page.subscription() != null && !page.subscription().equals(subscription)) {
                    // first page ever, or the device was moved: the checkpoint is a position in another feed
                    boolean moved = subscription != null;
                    try (PreparedStatement ps = c.prepareStatement("UPDATE downsync_state SET subscription = ?"
                            + (moved ? ", checkpoint = 0, latest = 0" : "") + " WHERE singleton = 1")) {
                        ps.setString(1, page.subscription());
                        ps.executeUpdate();
                    }
                    if (moved) {
                        c.commit();
                        Log.infof(
                                "This laptop's subscription changed from %s to %s: receiving the new one from its start"
                                        + " (records received before are kept)",
                                subscription, page.subscription());
                        return new Applied(0, 0, 0, 0, 0, 0, null, true);
                    }
                }
                if (page.rewound() && page.after() < checkpoint && signedByItsServer(c, page)) {
                    // the server was restored from a backup and handed out the positions after page.after() again:
                    // what this laptop received there is kept (skipped by txId); what it lacks comes from there
                    Log.warnf(
                            "The server's down-sync went back from position %d to %d (the server was restored from "
                                    + "a backup): receiving again from there; records received before are kept",
                            checkpoint, page.after());
                    checkpoint = page.after();
                }
                if (direct && checkpoint != page.after()) {
                    c.rollback(); // a late answer to an earlier request; carried pages go by the chain instead
                    return new Applied(0, 0, 0, 0, 0, checkpoint, null);
                }
                String stopped = null;
                boolean verified = false;
                String signer = signer(c);
                if (!page.entries().isEmpty()) {
                    if (signer == null && serverKeys.serverSigningKey().isPresent()) {
                        signer = serverKeys.serverSigningKey().get(); // taken with the server's key at setup
                        pinSigner(c, signer);
                    }
                    if (signer == null && direct && page.signer() != null) {
                        pinSigner(c, page.signer());
                        signer = page.signer();
                    }
                    if (signer == null) {
                        stopped = "this laptop does not know its server's signing key yet: it learns it from its "
                                + "first down-sync from the server itself; carried pages wait until then";
                    } else if (!signer.equals(page.signer())) {
                        stopped = "the page is signed with a key that is not this laptop's server's: not applied";
                    } else if (!new DeviceSigningKey(null, signer, null)
                            .verifies(DownSyncPage.signedBytes(page), page.signature())) {
                        stopped = "the page is not signed by this laptop's server for this laptop, or was altered on "
                                + "the way: not applied";
                    } else {
                        verified = true;
                    }
                }
                // the entries to apply: signed for this laptop and chained from the position it holds
                List<DownSyncEntry> chained = new ArrayList<>();
                long expected = checkpoint;
                for (DownSyncEntry entry : verified ? page.entries() : List.<DownSyncEntry>of()) {
                    if (entry.order() <= expected) {
                        continue; // held already (a carried page may start before the position held)
                    }
                    if (entry.previous() != expected) {
                        stopped = "an entry between position " + expected + " and " + entry.order() + " is missing "
                                + "(left out on the way): the down-sync goes on from " + expected + " next time";
                        break;
                    }
                    chained.add(entry);
                    expected = entry.order();
                }
                // records the entries depend on that are outside this laptop's feed: written first, no position
                List<DownSyncEntry> dependencies = chained.isEmpty() ? List.of() : page.dependencies();
                List<DownSyncEntry> all = new ArrayList<>(dependencies);
                all.addAll(chained);
                PageFacts facts = new PageFacts(c, all);
                for (int i = 0; i < all.size(); i++) {
                    DownSyncEntry entry = all.get(i);
                    String outcome;
                    try {
                        outcome = handle(c, entry, facts);
                    } catch (NotYetApplicable e) {
                        stopped = e.getMessage();
                        break;
                    }
                    switch (outcome) {
                        case "APPLIED" -> n[0]++;
                        case "HELD" -> n[1]++;
                        case "VERDICT" -> n[2]++;
                        case "OVERRULED" -> n[3]++;
                        case "REFUSED" -> n[4]++;
                        default -> {
                            // received before: nothing to count
                        }
                    }
                    if (i >= dependencies.size()) {
                        checkpoint = entry.order(); // a dependency has no position in this laptop's feed
                    }
                }
                n[0] += writeRefused(c);
                try (PreparedStatement ps = c.prepareStatement("UPDATE downsync_state SET checkpoint = ?, latest = ?, "
                        + "stopped_reason = ? WHERE singleton = 1")) {
                    ps.setLong(1, checkpoint);
                    ps.setLong(2, Math.max(page.latest(), checkpoint));
                    ps.setString(3, truncate(stopped));
                    ps.executeUpdate();
                }
                c.commit();
                return new Applied(n[0], n[1], n[2], n[3], n[4], checkpoint, stopped);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("applying a down-sync page failed: " + e.getMessage(), e);
        }
    }

    /** Whether {@code page} is signed for this laptop by the server whose signing key this laptop has pinned. */
    private boolean signedByItsServer(Connection c, DownSyncPage page) throws SQLException {
        String signer = signer(c);
        if (signer == null) {
            signer = serverKeys.serverSigningKey().orElse(null);
        }
        return signer != null
                && signer.equals(page.signer())
                && new DeviceSigningKey(null, signer, null).verifies(DownSyncPage.signedBytes(page), page.signature());
    }

    /** An entry this laptop must not apply yet; the down-sync stops before it. */
    private static final class NotYetApplicable extends Exception {
        NotYetApplicable(String message) {
            super(message);
        }
    }

    private String handle(Connection c, DownSyncEntry entry, PageFacts facts) throws SQLException, NotYetApplicable {
        TransactionEnvelope tx = entry.transaction();
        if (facts.received.contains(tx.txId())) {
            return "BEFORE";
        }
        boolean own = facts.own.contains(tx.txId());
        if (own) {
            facts.verdictArrived(tx.model(), tx.recordId(), tx.txId());
        }
        if (entry.overruled()) {
            record(c, entry, own ? "VERDICT" : "OVERRULED", null, facts);
            if (own && !facts.pendingEdit(tx.model(), tx.recordId())) {
                writeHeld(c, tx.model(), tx.recordId(), facts); // this laptop's edit lost: take the server's version
            }
            return own ? "VERDICT" : "OVERRULED";
        }
        RecordSnapshot snapshot;
        try {
            snapshot = open(tx);
        } catch (PayloadRejectedException | IllegalArgumentException e) {
            return refuse(c, entry, "payload cannot be opened here: " + e.getMessage(), facts);
        }
        if (own) {
            record(c, entry, "VERDICT", null, facts);
            if (facts.refused.contains(key(tx.model(), tx.recordId()))) {
                // its edit of a record this database refused (of a local record merged into it on the server): the
                // server's version now, to be written with the merge
                hold(c, entry, snapshot, facts, "the server applied it to a record this laptop's database refused");
            } else if (!facts.pendingEdit(tx.model(), tx.recordId())) {
                dropHeld(c, tx.model(), tx.recordId(), facts); // this laptop's edit is the server's version
            }
            return "VERDICT";
        }
        if (facts.pendingEdit(tx.model(), tx.recordId())) {
            hold(c, entry, snapshot, facts, null);
            record(c, entry, "HELD", null, facts);
            return "HELD";
        }
        Savepoint before = c.setSavepoint();
        try {
            write(c, tx.txId(), tx.producer(), tx.action(), tx.recordId(), snapshot);
            c.releaseSavepoint(before);
        } catch (SQLException | IllegalArgumentException e) {
            c.rollback(before);
            String reason = "this laptop's database refused it: " + firstLine(e);
            hold(c, entry, snapshot, facts, reason); // written once the cause is gone (writeRefused)
            return refuse(c, entry, reason, facts);
        }
        dropHeld(c, tx.model(), tx.recordId(), facts);
        record(c, entry, "APPLIED", null, facts);
        return "APPLIED";
    }

    /**
     * What a page's entries need to know of this laptop, read once per page: the txIds received before, the txIds
     * that are this laptop's own, its pending edits of the page's records (own changes whose verdict has not come
     * back; refused ones do not count) and the held versions. The page's records are locked first, so that a local
     * edit committing meanwhile is seen as pending, never overwritten.
     */
    private final class PageFacts {

        final Set<UUID> received = new HashSet<>();
        final Set<UUID> own = new HashSet<>();
        final Map<String, Set<UUID>> pending = new HashMap<>();
        final Set<String> held = new HashSet<>();
        /** The held versions this laptop's database refused (a subset of {@link #held}). */
        final Set<String> refused = new HashSet<>();

        PageFacts(Connection c, List<DownSyncEntry> entries) throws SQLException {
            if (entries.isEmpty()) {
                return;
            }
            Object[] txIds = entries.stream().map(e -> e.transaction().txId()).toArray();
            Map<String, Set<UUID>> byModel = new HashMap<>();
            for (DownSyncEntry e : entries) {
                byModel.computeIfAbsent(e.transaction().model(), m -> new HashSet<>())
                        .add(e.transaction().recordId());
            }
            for (Map.Entry<String, Set<UUID>> model : byModel.entrySet()) {
                TableSchema table = tables(c).get(model.getKey());
                if (table != null) {
                    try (PreparedStatement ps = c.prepareStatement(
                            "SELECT id FROM " + table.model().table() + " WHERE id = ANY (?) FOR UPDATE")) {
                        ps.setArray(1, c.createArrayOf("UUID", model.getValue().toArray()));
                        ps.executeQuery().close();
                    }
                }
            }
            ids(c, "SELECT tx_id FROM received_transaction WHERE tx_id = ANY (?)", txIds, received);
            ids(c, "SELECT tx_id FROM outgoing_transaction WHERE tx_id = ANY (?)", txIds, own);
            Object[] records = entries.stream()
                    .map(e -> e.transaction().recordId())
                    .distinct()
                    .toArray();
            pending.putAll(pendingEdits(c, records));
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT model, record_id, refused FROM held_version WHERE record_id = ANY (?)")) {
                ps.setArray(1, c.createArrayOf("UUID", records));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        held.add(key(rs.getString(1), rs.getObject(2, UUID.class)));
                        if (rs.getString(3) != null) {
                            refused.add(key(rs.getString(1), rs.getObject(2, UUID.class)));
                        }
                    }
                }
            }
        }

        boolean pendingEdit(String model, UUID recordId) {
            Set<UUID> txIds = pending.get(key(model, recordId));
            return txIds != null && !txIds.isEmpty();
        }

        void verdictArrived(String model, UUID recordId, UUID txId) {
            Set<UUID> txIds = pending.get(key(model, recordId));
            if (txIds != null) {
                txIds.remove(txId);
            }
        }

        private static void ids(Connection c, String sql, Object[] txIds, Set<UUID> into) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setArray(1, c.createArrayOf("UUID", txIds));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        into.add(rs.getObject(1, UUID.class));
                    }
                }
            }
        }
    }

    /**
     * This laptop's pending edits of {@code records} by record ({@link #key}): its own changes whose verdict has not
     * come back, refused ones aside.
     */
    private static Map<String, Set<UUID>> pendingEdits(Connection c, Object[] records) throws SQLException {
        Map<String, Set<UUID>> pending = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT o.model, o.record_id, o.tx_id FROM "
                + "outgoing_transaction o WHERE o.record_id = ANY (?) AND o.rejected_at IS NULL AND NOT EXISTS "
                + "(SELECT 1 FROM received_transaction r WHERE r.tx_id = o.tx_id)")) {
            ps.setArray(1, c.createArrayOf("UUID", records));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pending.computeIfAbsent(key(rs.getString(1), rs.getObject(2, UUID.class)), k -> new HashSet<>())
                            .add(rs.getObject(3, UUID.class));
                }
            }
        }
        return pending;
    }

    private static String key(String model, UUID recordId) {
        return model + "|" + recordId;
    }

    /** Opens a payload sealed to this laptop; upcasts an older schema version; refuses to go past a newer one. */
    private RecordSnapshot open(TransactionEnvelope tx) throws NotYetApplicable {
        KeyRing ring = this.ring;
        if (ring == null) {
            ring = identity.sealingKey().ring();
            this.ring = ring;
        }
        RecordSnapshot snapshot;
        try {
            snapshot = RecordSnapshot.fromJson(ring.open(tx.header(), tx.keyId(), tx.payload()));
        } catch (io.collectoffline.codec.PayloadFromNewerAppException e) {
            throw new NotYetApplicable("update this laptop's app: the server sent a " + tx.model() + " record "
                    + "compressed with dictionary " + e.dictionary() + ", which this app does not ship; nothing "
                    + "from there on is applied until it is updated");
        }
        if (!snapshot.model().equals(tx.model())
                || !tx.recordId().toString().equals(snapshot.fields().path("id").asText())) {
            throw new PayloadRejectedException("payload is not the record its envelope names");
        }
        ModelDescriptor model = registry.find(tx.model())
                .orElseThrow(() -> new NotYetApplicable("update this laptop's app: the server sent records of model "
                        + tx.model() + ", which this app does not know; nothing from there on is applied until it "
                        + "is updated"));
        if (snapshot.schemaVersion() > model.schemaVersion()) {
            throw new NotYetApplicable("update this laptop's app: the server sent " + tx.model() + " records of schema "
                    + "version " + snapshot.schemaVersion() + ", this app knows version " + model.schemaVersion()
                    + "; nothing from there on is applied until it is updated");
        }
        if (snapshot.schemaVersion() < model.schemaVersion()) {
            snapshot = new RecordSnapshot(
                    snapshot.model(),
                    model.schemaVersion(),
                    upcasters.toCurrent(tx.model(), snapshot.schemaVersion(), snapshot.fields()),
                    snapshot.rev(),
                    snapshot.baseTxId());
        }
        return snapshot;
    }

    /** Writes a received version through the capture trigger's receiving mode. */
    private void write(Connection c, UUID txId, String producer, Action action, UUID recordId, RecordSnapshot snapshot)
            throws SQLException {
        TableSchema table = tables(c).get(snapshot.model());
        if (table == null) {
            throw new IllegalArgumentException("model " + snapshot.model() + " has no table here");
        }
        Set<String> fields = new HashSet<>();
        snapshot.fields().fieldNames().forEachRemaining(fields::add);
        if (!fields.containsAll(table.columnNames())) {
            List<String> missing = new ArrayList<>(table.columnNames());
            missing.removeAll(fields);
            throw new IllegalArgumentException("payload lacks columns " + missing);
        }
        JsonNode f = snapshot.fields();
        CaptureRuntime.Received received = new CaptureRuntime.Received(
                txId,
                producer,
                snapshot.rev(),
                time(f.path("modified").asText(null)),
                f.path("user_modified").asText(null),
                f.path("device_modified").asText(null),
                f.path("hostname_modified").asText(null));
        CaptureRuntime.receiving(received, () -> {
            if (action == Action.DELETE) {
                try (PreparedStatement ps = c.prepareStatement(table.delete())) {
                    ps.setObject(1, recordId);
                    ps.executeUpdate();
                }
                return;
            }
            try (PreparedStatement ps = c.prepareStatement(table.upsert())) {
                int index = 1;
                for (String column : table.columnNames()) {
                    try {
                        table.types().get(column).bind(ps, index++, f.get(column));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("column " + column + ": " + e.getMessage(), e);
                    }
                }
                ps.executeUpdate();
            }
        });
    }

    /**
     * Keeps the server's version of a record: held over a pending local edit ({@code refused} null), or refused by
     * this laptop's database ({@code refused}: why), to be written once the cause is gone.
     */
    private void hold(Connection c, DownSyncEntry entry, RecordSnapshot snapshot, PageFacts facts, String refused)
            throws SQLException {
        TransactionEnvelope tx = entry.transaction();
        dropHeld(c, tx.model(), tx.recordId(), facts);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO held_version (model, record_id, tx_id, "
                + "settled_order, producer, action, snapshot, refused) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, tx.model());
            ps.setObject(2, tx.recordId());
            ps.setObject(3, tx.txId());
            ps.setLong(4, entry.order());
            ps.setString(5, tx.producer());
            ps.setString(6, tx.action().name());
            ps.setString(7, new String(snapshot.toJson(), StandardCharsets.UTF_8));
            ps.setString(8, truncate(refused));
            ps.executeUpdate();
        }
        facts.held.add(key(tx.model(), tx.recordId()));
        if (refused != null) {
            facts.refused.add(key(tx.model(), tx.recordId()));
        }
    }

    /** Writes the server's version held for the record (this laptop's edit of it lost), if one is held. */
    private void writeHeld(Connection c, String model, UUID recordId, PageFacts facts) throws SQLException {
        List<Held> held = held(c, "model = ? AND record_id = ?", model, recordId);
        if (held.isEmpty()) {
            Log.infof(
                    "This laptop's edit of %s %s lost on the server to a version it has not received", model, recordId);
            return;
        }
        Held version = held.get(0);
        Savepoint before = c.setSavepoint();
        try {
            write(c, version.txId(), version.producer(), version.action(), recordId, version.snapshot());
            c.releaseSavepoint(before);
            dropHeld(c, model, recordId, facts);
            markOutcome(c, version.txId(), "APPLIED", null);
        } catch (SQLException | IllegalArgumentException e) {
            c.rollback(before);
            String reason = "this laptop's database refused it: " + firstLine(e);
            markOutcome(c, version.txId(), "REFUSED", reason);
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE held_version SET refused = ? WHERE model = ? AND record_id = ?")) {
                ps.setString(1, truncate(reason)); // kept: written once the cause is gone (writeRefused)
                ps.setString(2, model);
                ps.setObject(3, recordId);
                ps.executeUpdate();
            }
        }
    }

    /** A version held back: the server's latest of a record that this laptop has not written yet. */
    private record Held(
            String model, UUID recordId, UUID txId, String producer, Action action, RecordSnapshot snapshot) {}

    /** The held versions {@code where} selects, in the server's settled order. */
    private static List<Held> held(Connection c, String where, Object... args) throws SQLException {
        List<Held> held = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT model, record_id, tx_id, producer, action, snapshot "
                + "FROM held_version WHERE " + where + " ORDER BY settled_order")) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    held.add(new Held(
                            rs.getString(1),
                            rs.getObject(2, UUID.class),
                            rs.getObject(3, UUID.class),
                            rs.getString(4),
                            Action.valueOf(rs.getString(5)),
                            RecordSnapshot.fromJson(rs.getString(6).getBytes(StandardCharsets.UTF_8))));
                }
            }
        }
        return held;
    }

    /**
     * Writes the versions this laptop's database refused before, where the cause has gone: the local record that
     * held the natural key was edited, or the server overruled its creation (the server's natural-key clash settled
     * for the received record: kept, with the local record merged into it, or the local record rejected) — then the
     * local record is merged into the received one first, as the server did: what refers to it refers to the received
     * record, and it is deleted. A version still refused stays held for the next page. Returns how many were written.
     */
    private int writeRefused(Connection c) throws SQLException {
        int written = 0;
        for (Held held : held(c, "refused IS NOT NULL")) {
            if (!pendingEdits(c, new Object[] {held.recordId()}).isEmpty()) {
                continue; // a local edit of it waits for its verdict, which decides
            }
            Savepoint before = c.setSavepoint();
            try {
                UUID overruled = overruledHolderOfItsKey(c, held);
                if (overruled == null) {
                    write(c, held.txId(), held.producer(), held.action(), held.recordId(), held.snapshot());
                } else {
                    merge(c, held, overruled);
                }
                c.releaseSavepoint(before);
            } catch (SQLException | IllegalArgumentException e) {
                c.rollback(before); // still refused: held for the next page
                continue;
            }
            try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM held_version WHERE model = ? AND record_id = ?")) {
                ps.setString(1, held.model());
                ps.setObject(2, held.recordId());
                ps.executeUpdate();
            }
            markOutcome(c, held.txId(), "APPLIED", null);
            Log.infof(
                    "Received transaction %s (%s %s), refused here before, is written now",
                    held.txId(), held.model(), held.recordId());
            written++;
        }
        return written;
    }

    /**
     * The local record that holds the natural key of {@code held}'s record, if the server overruled its creation
     * (this laptop's own INSERT came back overruled: the server settled the clash for the received record) and no
     * change of it waits for a verdict; else null.
     */
    private UUID overruledHolderOfItsKey(Connection c, Held held) throws SQLException {
        TableSchema table = tables(c).get(held.model());
        if (table == null || held.action() == Action.DELETE) {
            return null;
        }
        List<String> key = table.model().naturalKeyColumns();
        StringBuilder sql =
                new StringBuilder("SELECT t.id FROM " + table.model().table() + " t WHERE t.id <> ?");
        for (String column : key) {
            sql.append(" AND t.").append(column).append(" = ?");
        }
        sql.append(" AND EXISTS (SELECT 1 FROM received_transaction r WHERE r.model = ? AND r.record_id = t.id AND "
                + "r.action = 'INSERT' AND r.overruled AND r.outcome = 'VERDICT')");
        UUID holder = null;
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int index = 1;
            ps.setObject(index++, held.recordId());
            for (String column : key) {
                table.types()
                        .get(column)
                        .bind(ps, index++, held.snapshot().fields().get(column));
            }
            ps.setString(index, held.model());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    holder = rs.getObject(1, UUID.class);
                }
            }
        }
        return holder == null || !pendingEdits(c, new Object[] {holder}).isEmpty() ? null : holder;
    }

    /**
     * Writes the received {@code held} record and merges the local record {@code from} into it, as the server did when
     * it settled their natural-key clash: the records that refer to {@code from} refer to the received record
     * instead, and {@code from} is deleted — all through the receiving mode (history, no outgoing transaction). The
     * foreign keys allow neither record to go first, so {@code from}'s natural key is moved aside before (a text
     * column of it set to a value of its id; its history shows the step).
     */
    private void merge(Connection c, Held held, UUID from) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        TableSchema table = tables(c).get(held.model());
        String aside = null;
        for (String column : table.model().naturalKeyColumns()) {
            if (table.types().get(column) == ColumnType.TEXT) {
                aside = column;
                break;
            }
        }
        if (aside == null) {
            throw new IllegalArgumentException("natural key of " + held.model() + " has no text column to move aside");
        }
        String keyColumn = aside;
        CaptureRuntime.receiving(merged(c, held.model(), held, from, now), () -> {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE " + table.model().table() + " SET " + keyColumn + " = ? WHERE id = ?")) {
                ps.setString(1, "~" + from.toString().replace("-", "").substring(0, 8)); // 9 characters
                ps.setObject(2, from);
                ps.executeUpdate();
            }
        });
        write(c, held.txId(), held.producer(), held.action(), held.recordId(), held.snapshot());
        for (TableSchema dependant : tables(c).values()) {
            for (Map.Entry<String, String> ref : dependant.model().references().entrySet()) {
                if (!ref.getValue().equals(held.model())) {
                    continue;
                }
                String column = dependant.model().columns().get(ref.getKey());
                List<UUID> ids = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id FROM " + dependant.model().table() + " WHERE " + column + " = ?")) {
                    ps.setObject(1, from);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getObject(1, UUID.class));
                        }
                    }
                }
                for (UUID id : ids) {
                    CaptureRuntime.receiving(merged(c, dependant.model().name(), held, id, now), () -> {
                        try (PreparedStatement ps = c.prepareStatement(
                                "UPDATE " + dependant.model().table() + " SET " + column + " = ? WHERE id = ?")) {
                            ps.setObject(1, held.recordId());
                            ps.setObject(2, id);
                            ps.executeUpdate();
                        }
                    });
                }
            }
        }
        CaptureRuntime.receiving(merged(c, held.model(), held, from, now), () -> {
            try (PreparedStatement ps = c.prepareStatement(table.delete())) {
                ps.setObject(1, from);
                ps.executeUpdate();
            }
        });
        Log.infof(
                "%s %s, whose creation the server overruled, merged into %s, which holds its natural key on the server",
                held.model(), from, held.recordId());
    }

    /**
     * The history of a change made by merging into {@code held}'s record: the server's settlement (by "server"), with
     * the txId of the received version it let in, at the record's rev.
     */
    private static CaptureRuntime.Received merged(
            Connection c, String model, Held held, UUID recordId, OffsetDateTime at) throws SQLException {
        long rev;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT COALESCE(MAX(rev), 0) FROM record_history WHERE model = ? AND record_id = ?")) {
            ps.setString(1, model);
            ps.setObject(2, recordId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                rev = rs.getLong(1);
            }
        }
        return new CaptureRuntime.Received(held.txId(), held.producer(), rev, at, "natural-key merge", "server", null);
    }

    /**
     * Drops the version held for the record, if any: a later version of it is written or held instead. A version this
     * database had refused is then {@code SUPERSEDED}: it will never be written, and nothing of it is missing here.
     */
    private static void dropHeld(Connection c, String model, UUID recordId, PageFacts facts) throws SQLException {
        boolean refused = facts.refused.remove(key(model, recordId));
        if (!facts.held.remove(key(model, recordId))) {
            return; // none held: spare the statement
        }
        if (refused) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE received_transaction SET outcome = 'SUPERSEDED', "
                    + "reason = 'a later version of the record came before it could be written here' WHERE tx_id = "
                    + "(SELECT tx_id FROM held_version WHERE model = ? AND record_id = ?)")) {
                ps.setString(1, model);
                ps.setObject(2, recordId);
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM held_version WHERE model = ? AND record_id = ?")) {
            ps.setString(1, model);
            ps.setObject(2, recordId);
            ps.executeUpdate();
        }
    }

    private String refuse(Connection c, DownSyncEntry entry, String reason, PageFacts facts) throws SQLException {
        Log.warnf(
                "Received transaction %s (%s %s) not applied: %s",
                entry.transaction().txId(),
                entry.transaction().model(),
                entry.transaction().recordId(),
                reason);
        record(c, entry, "REFUSED", reason, facts);
        return "REFUSED";
    }

    private static void record(Connection c, DownSyncEntry entry, String outcome, String reason, PageFacts facts)
            throws SQLException {
        TransactionEnvelope tx = entry.transaction();
        facts.received.add(tx.txId());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO received_transaction (tx_id, settled_order, "
                + "producer, model, record_id, action, overruled, outcome, reason, received_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, tx.txId());
            ps.setLong(2, entry.order());
            ps.setString(3, tx.producer());
            ps.setString(4, tx.model());
            ps.setObject(5, tx.recordId());
            ps.setString(6, tx.action().name());
            ps.setBoolean(7, entry.overruled());
            ps.setString(8, outcome);
            ps.setString(9, truncate(reason));
            ps.setObject(10, OffsetDateTime.now(ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }

    private static void markOutcome(Connection c, UUID txId, String outcome, String reason) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("UPDATE received_transaction SET outcome = ?, reason = ? WHERE tx_id = ?")) {
            ps.setString(1, outcome);
            ps.setString(2, truncate(reason));
            ps.setObject(3, txId);
            ps.executeUpdate();
        }
    }

    private Map<String, TableSchema> tables(Connection c) throws SQLException {
        Map<String, TableSchema> known = tables;
        if (known == null) {
            Map<String, TableSchema> read = new LinkedHashMap<>();
            List<String> problems = new ArrayList<>();
            for (ModelDescriptor model : registry.models()) {
                TableSchema.read(c.getMetaData(), model, false, problems)
                        .ifPresent(schema -> read.put(model.name(), schema));
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException("offline tables do not match their models: " + problems);
            }
            known = Map.copyOf(read);
            tables = known;
        }
        return known;
    }

    /**
     * The server signing key this laptop trusts: pinned from its first down-sync from the server itself, else taken
     * with the server's key at setup; null when it knows neither yet.
     */
    public String serverSigner() {
        try (Connection c = dataSource.getConnection()) {
            String pinned = signer(c);
            return pinned != null ? pinned : serverKeys.serverSigningKey().orElse(null);
        } catch (SQLException e) {
            throw new IllegalStateException("reading the server's signing key failed", e);
        }
    }

    private static String signer(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT server_signer FROM downsync_state WHERE singleton = 1");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void pinSigner(Connection c, String signer) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("UPDATE downsync_state SET server_signer = ? WHERE singleton = 1")) {
            ps.setString(1, signer);
            ps.executeUpdate();
        }
    }

    private static String subscription(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT subscription FROM downsync_state WHERE singleton = 1");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long lockCheckpoint(Connection c) throws SQLException {
        try (PreparedStatement ps =
                        c.prepareStatement("SELECT checkpoint FROM downsync_state WHERE singleton = 1 FOR UPDATE");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void update(String sql, OffsetDateTime at) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, at);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("recording the down-sync state failed", e);
        }
    }

    private static OffsetDateTime time(String text) {
        try {
            return text == null ? null : OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static String truncate(String text) {
        return text == null || text.length() <= REASON_MAX ? text : text.substring(0, REASON_MAX);
    }
}
