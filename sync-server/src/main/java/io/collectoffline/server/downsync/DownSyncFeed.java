package io.collectoffline.server.downsync;

import io.collectoffline.codec.DeviceSealingKey;
import io.collectoffline.codec.PayloadDictionaries;
import io.collectoffline.codec.SealedCodec;
import io.collectoffline.codec.SealedPayload;
import io.collectoffline.codec.ServerPublicKey;
import io.collectoffline.offline.ModelDescriptor;
import io.collectoffline.offline.RecordSnapshot;
import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.DeviceDownSync;
import io.collectoffline.protocol.DownSyncEntry;
import io.collectoffline.protocol.DownSyncPage;
import io.collectoffline.protocol.Paging;
import io.collectoffline.protocol.ProducerId;
import io.collectoffline.protocol.StreamPosition;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.protocol.TransactionHeader;
import io.collectoffline.server.apply.RecordAliases;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.devices.Device;
import io.collectoffline.server.keys.ServerKeys;
import io.collectoffline.server.model.PayloadOpener;
import io.collectoffline.server.model.ServerModels;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A device's down-sync feed (ADR 14): the transactions this server settled for the device's subscription, in the
 * settled order, each with the server's verdict (written, or overruled), the written ones sealed again to the
 * device's sealing key so that only that device can read them — a middleman carrying a page cannot.
 *
 * <p>The subscription is the device's site: the transactions whose home site is that site — the site of the
 * record's home (its household's; {@code IncomingStore} stamps it when it settles them), whichever site's device made
 * them; a device without a site receives those without one (a server that does not use sites sends everything to
 * everyone). A device with an assignment ({@link Assignments}: its own or its site team's) receives instead the
 * transactions of the assigned records, of the records under them and of the records they depend on
 * ({@code record_lineage}), and its own. Every field device receives the reference models' (lookup lists). The device
 * receives its own transactions too, so that it learns the verdict on each of its changes. Records an entry depends
 * on that are not in the feed travel with the page ({@link DownSyncPage#dependencies}).
 *
 * <p>Settled orders become visible in order (the store takes them under one lock held to commit), so a device that
 * asks after n never misses a transaction settled before n. Asking is idempotent; the position asked after is
 * recorded as the device's checkpoint.
 */
@ApplicationScoped
public class DownSyncFeed {

    /** A page stops early past this many payload bytes, so that one page stays a bounded request. */
    static final int PAGE_BYTES = 4 * 1024 * 1024;

    private final ActiveDatabase database;
    private final PayloadOpener opener;
    private final ServerKeys keys;
    private final MeterRegistry metrics;
    private final ServerModels models;
    /** One codec (data key epoch) per device sealing key: no asymmetric operation per transaction (DESIGN §7). */
    private final Map<String, SealedCodec> codecs = new ConcurrentHashMap<>();

    DownSyncFeed(
            ActiveDatabase database,
            PayloadOpener opener,
            ServerKeys keys,
            MeterRegistry metrics,
            ServerModels models) {
        this.models = models;
        this.metrics = metrics;
        this.keys = keys;
        this.database = database;
        this.opener = opener;
    }

    /**
     * The page of {@code device}'s feed after {@code asked}, at most {@code limit} entries; asked by the device itself
     * (its checkpoint is recorded) or by a middleman carrying it. A device asking after a position this server never
     * handed out to it gets the page after the furthest one it did, marked rewound (ADR 19).
     *
     * @param compressed whether the payloads are sealed compressed (version 2, ADR 15): what the device's app reads
     * @throws NoSealingKeyException when the device has registered no sealing key to seal it to
     */
    public DownSyncPage page(
            Device device,
            @Paging.Offset long asked,
            @Paging.Limit int limit,
            boolean askedByTheDevice,
            boolean compressed) {
        return database.inTransaction("reading the down-sync of " + device.deviceId(), connection -> {
            // a device that holds positions this database never handed out: restored from a backup, and those
            // positions handed out again since; its feed goes back to the furthest it was served here (ADR 19)
            Long served = served(connection, device.deviceId());
            boolean rewound = served != null && asked > served;
            long after = rewound ? served : asked;
            if (rewound) {
                Log.warnf(
                        "Down-sync of %s asked after position %d, which this server never handed out to it (the "
                                + "furthest was %d): the database was restored from a backup; its feed goes back to "
                                + "%d",
                        device.deviceId(), asked, served, served);
                metrics.counter("collect_downsync_rewound_total").increment();
            }
            String sealingKey = sealingKey(connection, device.deviceId());
            SealedCodec codec = codecs.computeIfAbsent(
                    (compressed ? "2|" : "1|") + sealingKey,
                    key -> new SealedCodec(
                            new ServerPublicKey(
                                    DeviceSealingKey.keyIdOf(sealingKey), SealedCodec.ALGORITHM, sealingKey),
                            10_000,
                            Duration.ofHours(24),
                            compressed ? PayloadDictionaries.shipped() : null));
            Feed feed = feedOf(connection, device);
            Map<UUID, UUID> alias = RecordAliases.all(connection);
            List<DownSyncEntry> entries = new ArrayList<>();
            long bytes = 0;
            boolean more = false;
            List<UUID> txIds = feed.next(connection, after, limit + 1);
            if (!txIds.isEmpty()) {
                try (PreparedStatement ps = connection.prepareStatement("SELECT " + COLUMNS
                        + " FROM incoming_transaction WHERE tx_id = ANY (?) ORDER BY applied_order")) {
                    ps.setArray(1, connection.createArrayOf("uuid", txIds.toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if (entries.size() == limit || (bytes > PAGE_BYTES && !entries.isEmpty())) {
                                more = true;
                                break;
                            }
                            DownSyncEntry entry = entry(rs, codec, alias);
                            bytes += entry.transaction().payload() == null
                                    ? 0
                                    : entry.transaction().payload().length;
                            entries.add(entry);
                        }
                    }
                }
            }
            long next =
                    entries.isEmpty() ? after : entries.get(entries.size() - 1).order();
            // where the feed ends: known exactly when this page reaches it; else the server's last order, a bound
            long latest = more ? lastOrder(connection) : next;
            if (askedByTheDevice) {
                recordCheckpoint(connection, device.deviceId(), after);
            }
            recordServed(connection, device.deviceId(), served, next);
            List<DownSyncEntry> dependencies = dependencies(connection, feed, entries, codec, alias);
            Log.debugf(
                    "Down-sync of %s after %d: %d entries, %d dependencies",
                    device.deviceId(), after, entries.size(), dependencies.size());
            metrics.counter("collect_downsync_entries_total", "carried", askedByTheDevice ? "no" : "yes")
                    .increment(entries.size() + dependencies.size());
            DownSyncPage page = new DownSyncPage(
                    device.deviceId(),
                    feed.subscription(),
                    after,
                    next,
                    more,
                    latest,
                    chained(after, entries),
                    dependencies,
                    keys.signingKey().publicKey(),
                    null,
                    rewound);
            return page.withSignature(keys.signingKey().sign(DownSyncPage.signedBytes(page)));
        });
    }

    private static final String COLUMNS = "tx_id, producer, seq, model, record_id, action, captured_at, key_id, "
            + "payload, site, applied_order, overruled, reissued_from_producer, reissued_from_seq";

    /**
     * The records {@code entries} depend on (their lineage's ancestors) that the device does not receive in its feed
     * before the entry that needs them — its own visit of another site's subject, received back for the verdict: for
     * each, its latest version settled before that entry, parents first. Without them the device could not write the
     * entry.
     */
    private List<DownSyncEntry> dependencies(
            Connection connection, Feed feed, List<DownSyncEntry> entries, SealedCodec codec, Map<UUID, UUID> alias)
            throws SQLException {
        Map<UUID, Long> firstNeed = new HashMap<>(); // written record -> the order of its first entry in the page
        for (DownSyncEntry e : entries) {
            if (!e.overruled() && e.transaction().action() != Action.DELETE) {
                firstNeed.putIfAbsent(e.transaction().recordId(), e.order());
            }
        }
        if (firstNeed.isEmpty()) {
            return List.of();
        }
        // each ancestor outside the record itself, with the earliest entry of the page that needs it
        Map<UUID, Long> needed = new HashMap<>();
        Map<UUID, String> modelOf = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT record_id, ancestor_id, ancestor_model "
                + "FROM record_lineage WHERE record_id = ANY (?) AND ancestor_id <> record_id")) {
            ps.setArray(1, connection.createArrayOf("uuid", firstNeed.keySet().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID ancestor = rs.getObject(2, UUID.class);
                    needed.merge(ancestor, firstNeed.get(rs.getObject(1, UUID.class)), Math::min);
                    modelOf.put(ancestor, rs.getString(3));
                }
            }
        }
        if (needed.isEmpty()) {
            return List.of();
        }
        long upTo = entries.get(entries.size() - 1).order();
        Map<String, List<UUID>> byModel = new HashMap<>();
        modelOf.forEach((id, model) ->
                byModel.computeIfAbsent(model, m -> new ArrayList<>()).add(id));
        // per ancestor: the first order at which the feed has it, and its latest written version before the need
        Map<UUID, DownSyncEntry> dependency = new HashMap<>();
        for (Map.Entry<String, List<UUID>> model : byModel.entrySet()) {
            try (PreparedStatement ps = connection.prepareStatement("SELECT " + COLUMNS + ", CASE WHEN " + feed.where()
                    + " THEN 1 ELSE 0 END FROM incoming_transaction WHERE model = ? AND record_id = ANY (?) "
                    + "AND applied_order IS NOT NULL AND applied_order <= ? ORDER BY applied_order")) {
                int index = feed.bind(ps, 1);
                ps.setString(index++, model.getKey());
                ps.setArray(
                        index++,
                        connection.createArrayOf("uuid", model.getValue().toArray()));
                ps.setLong(index, upTo);
                Map<UUID, Boolean> inFeedBefore = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        UUID record = rs.getObject(5, UUID.class);
                        long order = rs.getLong(11);
                        long need = needed.get(record);
                        if (order >= need || inFeedBefore.getOrDefault(record, false)) {
                            continue;
                        }
                        if (rs.getInt(15) == 1) {
                            inFeedBefore.put(record, true); // the device holds it by the time it needs it
                            dependency.remove(record);
                        } else if (!rs.getBoolean(12)) {
                            if ("DELETE".equals(rs.getString(6))) {
                                dependency.remove(record);
                            } else {
                                dependency.put(record, entry(rs, codec, alias));
                            }
                        }
                    }
                }
            }
        }
        if (dependency.isEmpty()) {
            return List.of();
        }
        Map<UUID, Integer> depth = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT record_id, COUNT(*) FROM record_lineage WHERE record_id = ANY (?) GROUP BY record_id")) {
            ps.setArray(1, connection.createArrayOf("uuid", dependency.keySet().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    depth.put(rs.getObject(1, UUID.class), rs.getInt(2));
                }
            }
        }
        List<DownSyncEntry> parentsFirst = new ArrayList<>(dependency.values());
        parentsFirst.sort(Comparator.<DownSyncEntry>comparingInt(
                        e -> depth.getOrDefault(e.transaction().recordId(), 0))
                .thenComparingLong(DownSyncEntry::order));
        return parentsFirst;
    }

    /**
     * The entries chained: the first names the position the page was asked after (the one the device holds), each
     * next one the entry before it, so that no carrier can leave one out or start a page later unnoticed.
     */
    private static List<DownSyncEntry> chained(long after, List<DownSyncEntry> entries) {
        List<DownSyncEntry> chained = new ArrayList<>(entries.size());
        long previous = after;
        for (DownSyncEntry e : entries) {
            chained.add(new DownSyncEntry(e.order(), previous, e.overruled(), e.transaction()));
            previous = e.order();
        }
        return chained;
    }

    /** One index-friendly condition on {@code incoming_transaction}'s columns (unqualified), with its parameters. */
    private record Branch(String where, List<Object> parameters) {

        int bind(PreparedStatement ps, int index) throws SQLException {
            for (Object parameter : parameters) {
                ps.setObject(index++, parameter);
            }
            return index;
        }
    }

    /**
     * Which rows of {@code incoming_transaction} are a device's feed: the union of branches (its own changes, its
     * site's records or its assigned ones, the reference models), each read on its own in the settled order so that a
     * page costs its size, not the feed's.
     */
    private record Feed(String subscription, List<Branch> branches) {

        /** The whole feed as one condition (for queries about given records, not for paging). */
        String where() {
            return "("
                    + String.join(" OR ", branches.stream().map(Branch::where).toList()) + ")";
        }

        /** Binds {@link #where}'s parameters from {@code index}; returns the next index. */
        int bind(PreparedStatement ps, int index) throws SQLException {
            for (Branch branch : branches) {
                index = branch.bind(ps, index);
            }
            return index;
        }

        /** The txIds of the first {@code count} entries after {@code after}, in the settled order. */
        List<UUID> next(Connection connection, long after, int count) throws SQLException {
            java.util.TreeMap<Long, UUID> merged = new java.util.TreeMap<>();
            for (Branch branch : branches) {
                try (PreparedStatement ps = connection.prepareStatement("SELECT applied_order, tx_id FROM "
                        + "incoming_transaction WHERE " + branch.where() + " AND applied_order > ? "
                        + "ORDER BY applied_order LIMIT ?")) {
                    int index = branch.bind(ps, 1);
                    ps.setLong(index++, after);
                    ps.setInt(index, count);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            merged.put(rs.getLong(1), rs.getObject(2, UUID.class));
                        }
                    }
                }
                while (merged.size() > count) {
                    merged.pollLastEntry();
                }
            }
            return new ArrayList<>(merged.values());
        }
    }

    /**
     * {@code device}'s feed. A relay (middleman, server device): only its own changes — it carries field laptops'
     * down-syncs sealed to them, and is not itself subscribed to their records. A field device with an assignment (its
     * own or its site's): the assigned records, those under them, those they depend on, and its own changes. Any
     * other: its site's (or the unsited) transactions. Every field device: the reference models'.
     */
    private Feed feedOf(Connection connection, Device device) throws SQLException {
        // its own changes (the verdicts on them), under every stream it produced on, named: an index lookup
        List<Object> producers = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT producer FROM producer_state WHERE producer = ? OR LEFT(producer, ?) = ?")) {
            ps.setString(1, device.deviceId());
            ps.setInt(2, device.deviceId().length() + 1);
            ps.setString(3, device.deviceId() + ProducerId.STREAM_SEPARATOR); // its streams after a divergence
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    producers.add(rs.getString(1));
                }
            }
        }
        if (producers.isEmpty()) {
            producers.add(device.deviceId());
        }
        List<Branch> branches = new ArrayList<>();
        branches.add(new Branch("producer IN (" + marks(producers.size()) + ")", producers));
        if (device.relays()) {
            return new Feed("own:" + device.deviceId(), branches);
        }
        List<String> targets = new ArrayList<>(List.of(Assignments.deviceTarget(device.deviceId())));
        if (device.site() != null) {
            targets.add(Assignments.siteTarget(device.site()));
        }
        String targetList = marks(targets.size());
        MessageDigest assigned = sha256();
        int count = 0;
        try (PreparedStatement ps = connection.prepareStatement("SELECT target, record_id FROM downsync_assignment "
                + "WHERE target IN (" + targetList + ") ORDER BY target, record_id")) {
            for (int i = 0; i < targets.size(); i++) {
                ps.setString(i + 1, targets.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    assigned.update((rs.getString(1) + "|" + rs.getString(2) + "\n").getBytes(StandardCharsets.UTF_8));
                    count++;
                }
            }
        }
        String subscription;
        if (count == 0) {
            subscription = device.site() == null ? "unsited" : "site:" + device.site();
            branches.add(
                    device.site() == null
                            ? new Branch("home_site IS NULL", List.of())
                            : new Branch("home_site = ?", List.of(device.site())));
        } else {
            subscription =
                    "assigned:" + HexFormat.of().formatHex(assigned.digest()).substring(0, 16);
            List<Object> twice = new ArrayList<>(targets);
            twice.addAll(targets);
            branches.add(new Branch(
                    "(record_id IN (SELECT la.record_id FROM record_lineage la JOIN downsync_assignment aa "
                            + "ON aa.record_id = la.ancestor_id WHERE aa.target IN (" + targetList + "))"
                            + " OR record_id IN (SELECT la.ancestor_id FROM record_lineage la "
                            + "JOIN downsync_assignment aa ON aa.record_id = la.record_id "
                            + "WHERE aa.target IN (" + targetList + ")))",
                    twice));
        }
        List<Object> references = models.registry().models().stream()
                .filter(ModelDescriptor::reference)
                .map(m -> (Object) m.name())
                .toList();
        if (!references.isEmpty()) {
            branches.add(new Branch("model IN (" + marks(references.size()) + ")", references));
        }
        return new Feed(subscription, branches);
    }

    private static String marks(int count) {
        return String.join(", ", java.util.Collections.nCopies(count, "?"));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where {@code device}'s down-sync stands now (for the admin). */
    public DeviceDownSync status(Device device) {
        return database.inTransaction("reading the down-sync state of " + device.deviceId(), connection -> {
            Feed feed = feedOf(connection, device);
            long checkpoint = 0;
            OffsetDateTime askedAt = null;
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT checkpoint, asked_at FROM downsync_device WHERE device_id = ?")) {
                ps.setString(1, device.deviceId());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        checkpoint = rs.getLong(1);
                        askedAt = rs.getObject(2, OffsetDateTime.class);
                    }
                }
            }
            long behind;
            long latest;
            try (PreparedStatement ps =
                    connection.prepareStatement("SELECT COUNT(CASE WHEN applied_order > ? THEN 1 END), "
                            + "MAX(applied_order) FROM incoming_transaction WHERE " + feed.where())) {
                ps.setLong(1, checkpoint);
                feed.bind(ps, 2);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    behind = rs.getLong(1);
                    latest = rs.getLong(2);
                }
            }
            boolean hasKey;
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT COUNT(*) FROM device_key WHERE device_id = ? AND sealing_key IS NOT NULL")) {
                ps.setString(1, device.deviceId());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    hasKey = rs.getLong(1) > 0;
                }
            }
            return new DeviceDownSync(
                    device.deviceId(), feed.subscription(), checkpoint, askedAt, latest, behind, hasKey);
        });
    }

    /**
     * The entry of a stored transaction, sealed again to the device. A written one that names a record an admin
     * merged into another (its own id or a foreign key: {@link RecordAliases}) names the record kept, as the server
     * applied it, so that devices hold what the server holds.
     */
    private DownSyncEntry entry(ResultSet rs, SealedCodec codec, Map<UUID, UUID> alias) throws SQLException {
        UUID txId = rs.getObject(1, UUID.class);
        String producer = rs.getString(2);
        long seq = rs.getLong(3);
        String model = rs.getString(4);
        UUID recordId = rs.getObject(5, UUID.class);
        Action action = Action.valueOf(rs.getString(6));
        OffsetDateTime captured = rs.getObject(7, OffsetDateTime.class);
        long order = rs.getLong(11);
        boolean overruled = rs.getBoolean(12);
        String keyId = null;
        byte[] payload = null;
        if (!overruled) {
            String firstProducer = rs.getString(13);
            TransactionEnvelope stored = new TransactionEnvelope(
                    txId,
                    producer,
                    seq,
                    model,
                    recordId,
                    action,
                    null,
                    rs.getString(8),
                    rs.getBytes(9),
                    null,
                    firstProducer == null ? null : new StreamPosition(firstProducer, rs.getLong(14)));
            byte[] plaintext = opener.plaintext(stored);
            if (!alias.isEmpty()) {
                RecordSnapshot snapshot = RecordSnapshot.fromJson(plaintext);
                RecordSnapshot kept = RecordAliases.translate(
                        snapshot, models.registry().find(model).orElse(null), alias);
                if (kept != snapshot) {
                    plaintext = kept.toJson();
                }
                recordId = alias.getOrDefault(recordId, recordId);
            }
            // sealed to the device under the numbering it receives the transaction with
            SealedPayload sealed =
                    codec.seal(new TransactionHeader(txId, producer, seq, model, recordId, action), plaintext);
            keyId = sealed.keyId();
            payload = sealed.bytes();
        }
        return new DownSyncEntry(
                order,
                0,
                overruled,
                new TransactionEnvelope(
                        txId,
                        producer,
                        seq,
                        model,
                        recordId,
                        action,
                        captured == null ? null : captured.toInstant(),
                        keyId,
                        payload,
                        rs.getString(10)));
    }

    /** The last settled order given on this server. */
    private static long lastOrder(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT last_order FROM apply_sequencer WHERE id = 1");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static String sealingKey(Connection connection, String deviceId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT sealing_key FROM device_key "
                + "WHERE device_id = ? AND sealing_key IS NOT NULL ORDER BY registered_at DESC")) {
            ps.setString(1, deviceId);
            ps.setMaxRows(1);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return rs.getString(1);
                }
            }
        }
        throw new NoSealingKeyException("Device " + deviceId + " has registered no sealing key yet, so nothing can "
                + "be sealed to it: it registers one with its next push (an app older than two-way never does — "
                + "update it)");
    }

    /** The furthest position of {@code deviceId}'s feed this server handed out; null before the first page. */
    private static Long served(Connection connection, String deviceId) throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement("SELECT served FROM downsync_served WHERE device_id = ?")) {
            ps.setString(1, deviceId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private static void recordServed(Connection connection, String deviceId, Long served, long next)
            throws SQLException {
        if (served != null && served >= next) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(
                served == null
                        ? "INSERT INTO downsync_served (device_id, served) VALUES (?, ?) ON CONFLICT DO NOTHING"
                        : "UPDATE downsync_served SET served = GREATEST(served, ?) WHERE device_id = ?")) {
            if (served == null) {
                ps.setString(1, deviceId);
                ps.setLong(2, next);
            } else {
                ps.setLong(1, next);
                ps.setString(2, deviceId);
            }
            ps.executeUpdate();
        }
    }

    private void recordCheckpoint(Connection connection, String deviceId, long checkpoint) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE downsync_device SET checkpoint = ?, asked_at = ? WHERE device_id = ?")) {
            update.setLong(1, checkpoint);
            update.setObject(2, now);
            update.setString(3, deviceId);
            if (update.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO downsync_device (device_id, checkpoint, asked_at) VALUES (?, ?, ?) "
                        + "ON CONFLICT DO NOTHING")) {
            insert.setString(1, deviceId);
            insert.setLong(2, checkpoint);
            insert.setObject(3, now);
            insert.executeUpdate();
        }
    }
}
