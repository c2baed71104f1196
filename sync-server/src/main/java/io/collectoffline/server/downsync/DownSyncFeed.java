package io.collectoffline.server.downsync;

import io.collectoffline.codec.DeviceSealingKey;
import io.collectoffline.codec.SealedCodec;
import io.collectoffline.codec.SealedPayload;
import io.collectoffline.codec.ServerPublicKey;
import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.DeviceDownSync;
import io.collectoffline.protocol.DownSyncEntry;
import io.collectoffline.protocol.DownSyncPage;
import io.collectoffline.protocol.Paging;
import io.collectoffline.protocol.ProducerId;
import io.collectoffline.protocol.StreamPosition;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.protocol.TransactionHeader;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.devices.Device;
import io.collectoffline.server.keys.ServerKeys;
import io.collectoffline.server.model.PayloadOpener;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A device's down-sync feed (ADR 14): the transactions this server settled for the device's subscription, in the
 * settled order, each with the server's verdict (written, or overruled), the written ones sealed again to the
 * device's sealing key so that only that device can read them — a middleman carrying a page cannot.
 *
 * <p>The subscription is the device's site: the transactions stamped with that site (ADR 9); a device without a
 * site receives the transactions without one (a server that does not use sites sends everything to everyone).
 * The device receives its own transactions too, so that it learns the verdict on each of its changes.
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
    /** One codec (data key epoch) per device sealing key: no asymmetric operation per transaction (DESIGN §7). */
    private final Map<String, SealedCodec> codecs = new ConcurrentHashMap<>();

    DownSyncFeed(ActiveDatabase database, PayloadOpener opener, ServerKeys keys, MeterRegistry metrics) {
        this.metrics = metrics;
        this.keys = keys;
        this.database = database;
        this.opener = opener;
    }

    /**
     * The page of {@code device}'s feed after {@code after}, at most {@code limit} entries; asked by the device itself
     * (its checkpoint is recorded) or by a middleman carrying it.
     *
     * @throws NoSealingKeyException when the device has registered no sealing key to seal it to
     */
    public DownSyncPage page(
            Device device, @Paging.Offset long after, @Paging.Limit int limit, boolean askedByTheDevice) {
        return database.inTransaction("reading the down-sync of " + device.deviceId(), connection -> {
            String sealingKey = sealingKey(connection, device.deviceId());
            SealedCodec codec = codecs.computeIfAbsent(
                    sealingKey,
                    key -> new SealedCodec(
                            new ServerPublicKey(DeviceSealingKey.keyIdOf(key), SealedCodec.ALGORITHM, key),
                            10_000,
                            Duration.ofHours(24)));
            List<DownSyncEntry> entries = new ArrayList<>();
            long bytes = 0;
            boolean more = false;
            try (PreparedStatement ps = connection.prepareStatement("SELECT tx_id, producer, seq, model, record_id, "
                    + "action, captured_at, key_id, payload, site, applied_order, overruled, reissued_from_producer, "
                    + "reissued_from_seq FROM incoming_transaction "
                    + "WHERE " + siteFilter(device) + " AND applied_order > ? ORDER BY applied_order LIMIT ?")) {
                int index = bindFeed(ps, 1, device);
                ps.setLong(index++, after);
                ps.setInt(index, limit + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (entries.size() == limit || (bytes > PAGE_BYTES && !entries.isEmpty())) {
                            more = true;
                            break;
                        }
                        DownSyncEntry entry = entry(rs, codec);
                        bytes += entry.transaction().payload() == null
                                ? 0
                                : entry.transaction().payload().length;
                        entries.add(entry);
                    }
                }
            }
            long next =
                    entries.isEmpty() ? after : entries.get(entries.size() - 1).order();
            long latest = latest(connection, device);
            if (askedByTheDevice) {
                recordCheckpoint(connection, device.deviceId(), after);
            }
            Log.debugf("Down-sync of %s after %d: %d entries", device.deviceId(), after, entries.size());
            metrics.counter("collect_downsync_entries_total", "carried", askedByTheDevice ? "no" : "yes")
                    .increment(entries.size());
            DownSyncPage page = new DownSyncPage(
                    device.deviceId(),
                    subscription(device),
                    after,
                    next,
                    more,
                    Math.max(latest, next),
                    chained(connection, device, entries),
                    keys.signingKey().publicKey(),
                    null);
            return page.withSignature(keys.signingKey().sign(DownSyncPage.signedBytes(page)));
        });
    }

    /** The entries chained: each names the one before it in the device's feed, so that none can go missing. */
    private static List<DownSyncEntry> chained(Connection connection, Device device, List<DownSyncEntry> entries)
            throws SQLException {
        if (entries.isEmpty()) {
            return entries;
        }
        long previous;
        try (PreparedStatement ps = connection.prepareStatement("SELECT MAX(applied_order) FROM incoming_transaction "
                + "WHERE " + siteFilter(device) + " AND applied_order < ?")) {
            ps.setLong(bindFeed(ps, 1, device), entries.get(0).order());
            try (ResultSet rs = ps.executeQuery()) {
                previous = rs.next() ? rs.getLong(1) : 0;
            }
        }
        List<DownSyncEntry> chained = new ArrayList<>(entries.size());
        for (DownSyncEntry e : entries) {
            chained.add(new DownSyncEntry(e.order(), previous, e.overruled(), e.transaction()));
            previous = e.order();
        }
        return chained;
    }

    /** What {@code device} is subscribed to: the feed its positions are positions in. */
    static String subscription(Device device) {
        if (device.relays()) {
            return "own:" + device.deviceId();
        }
        return device.site() == null ? "unsited" : "site:" + device.site();
    }

    /** Where {@code device}'s down-sync stands now (for the admin). */
    public DeviceDownSync status(Device device) {
        return database.inTransaction("reading the down-sync state of " + device.deviceId(), connection -> {
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
            try (PreparedStatement ps = connection.prepareStatement("SELECT COUNT(*) FROM incoming_transaction WHERE "
                    + siteFilter(device) + " AND applied_order > ?")) {
                ps.setLong(bindFeed(ps, 1, device), checkpoint);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    behind = rs.getLong(1);
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
                    device.deviceId(),
                    subscription(device),
                    checkpoint,
                    askedAt,
                    latest(connection, device),
                    behind,
                    hasKey);
        });
    }

    private DownSyncEntry entry(ResultSet rs, SealedCodec codec) throws SQLException {
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
            // sealed to the device under the numbering it receives the transaction with
            SealedPayload sealed = codec.seal(
                    new TransactionHeader(txId, producer, seq, model, recordId, action), opener.plaintext(stored));
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

    /**
     * The rows of {@code incoming_transaction} in {@code device}'s feed: its site's (or the unsited ones); for a
     * relay (middleman, server device) only its own changes — it carries field laptops' down-syncs sealed to them,
     * and is not itself subscribed to their records.
     */
    private static String siteFilter(Device device) {
        if (device.relays()) {
            return "(producer = ? OR LEFT(producer, ?) = ?)";
        }
        return device.site() == null ? "site IS NULL" : "site = ?";
    }

    /** Binds {@link #siteFilter}'s parameters from {@code index}; returns the next index. */
    private static int bindFeed(PreparedStatement ps, int index, Device device) throws SQLException {
        if (device.relays()) {
            ps.setString(index++, device.deviceId());
            ps.setInt(index++, device.deviceId().length() + 1);
            ps.setString(index++, device.deviceId() + ProducerId.STREAM_SEPARATOR); // its streams after a divergence
        } else if (device.site() != null) {
            ps.setString(index++, device.site());
        }
        return index;
    }

    private static long latest(Connection connection, Device device) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT MAX(applied_order) FROM incoming_transaction WHERE " + siteFilter(device))) {
            bindFeed(ps, 1, device);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
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
