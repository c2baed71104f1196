package io.collectoffline.server.ingest;

import io.collectoffline.codec.DeviceSigningKey;
import io.collectoffline.protocol.KeyRegistration;
import io.collectoffline.protocol.ProducerId;
import io.collectoffline.protocol.TransactionEnvelope;
import io.quarkus.logging.Log;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Devices' signing keys and the check of every transaction's signature against them (README, Guarantees 10; ADR
 * 12). A key is registered when its proof verifies with the token hash of the device enrolled here, or when a trusted
 * carrier vouches for it (an enrolled server device forwarding, an admin importing a file, this server itself). A
 * device with a key must sign everything it produces; the signature covers identity, numbering and content.
 */
final class SigningKeys {

    /** Problem type of a transaction whose signature is missing or does not verify. */
    static final String BAD_SIGNATURE = "urn:collect-offline:problem:bad-signature";

    private SigningKeys() {}

    /**
     * Registers the keys of {@code registrations} that are proven (their proof verifies with the enrolled device's
     * token hash) or, when {@code vouchedBy} is not null, vouched for by that trusted carrier.
     */
    static void register(Connection connection, List<KeyRegistration> registrations, String vouchedBy)
            throws SQLException {
        for (KeyRegistration r : registrations) {
            String by;
            if (r.proof() != null && proven(connection, r)) {
                by = r.deviceId();
            } else if (vouchedBy != null) {
                by = vouchedBy;
            } else {
                Log.warnf(
                        "Key %s of device %s not registered: its proof does not verify here", r.keyId(), r.deviceId());
                continue;
            }
            try (PreparedStatement ps = connection.prepareStatement("INSERT INTO device_key (device_id, key_id, "
                    + "public_key, registered_at, registered_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, r.deviceId());
                ps.setString(2, r.keyId());
                ps.setString(3, r.publicKey());
                ps.setObject(4, OffsetDateTime.now(ZoneOffset.UTC));
                ps.setString(5, by.length() <= 36 ? by : by.substring(0, 36));
                if (ps.executeUpdate() > 0) {
                    Log.infof(
                            "Signing key %s of device %s registered (%s)",
                            r.keyId(),
                            r.deviceId(),
                            by.equals(r.deviceId()) ? "proven with its token" : "vouched for by " + by);
                }
            }
            if (r.sealingKey() != null) {
                // the first sealing key registered with a signing key stays: a later, different one is not taken
                try (PreparedStatement ps = connection.prepareStatement("UPDATE device_key SET sealing_key = ? "
                        + "WHERE device_id = ? AND key_id = ? AND sealing_key IS NULL")) {
                    ps.setString(1, r.sealingKey());
                    ps.setString(2, r.deviceId());
                    ps.setString(3, r.keyId());
                    if (ps.executeUpdate() > 0) {
                        Log.infof(
                                "Sealing key of device %s registered with its signing key %s", r.deviceId(), r.keyId());
                    }
                }
            }
        }
    }

    /** Registers {@code r} if its proof verifies; returns whether it did (or it was registered before). */
    static boolean registerProven(Connection connection, KeyRegistration r) throws SQLException {
        if (!proven(connection, r)) {
            return false;
        }
        register(connection, List.of(r), null);
        return true;
    }

    private static boolean proven(Connection connection, KeyRegistration r) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT token_hash FROM device WHERE device_id = ? AND revoked_at IS NULL")) {
            ps.setString(1, r.deviceId());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        && MessageDigest.isEqual(
                                KeyRegistration.proofWithHash(
                                                r.deviceId(), r.publicKey(), r.sealingKey(), rs.getString(1))
                                        .getBytes(StandardCharsets.UTF_8),
                                r.proof().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** The registered keys of the devices of these producers, by device then key id. */
    static Map<String, Map<String, DeviceSigningKey>> of(Connection connection, Set<String> producers)
            throws SQLException {
        Map<String, Map<String, DeviceSigningKey>> keys = new HashMap<>();
        for (KeyRegistration r : registered(connection, producers)) {
            keys.computeIfAbsent(r.deviceId(), d -> new HashMap<>())
                    .put(r.keyId(), new DeviceSigningKey(r.keyId(), r.publicKey(), null));
        }
        return keys;
    }

    /** The keys registered here for the devices of these producers, with their sealing keys, without proofs. */
    private static List<KeyRegistration> registered(Connection connection, Set<String> producers) throws SQLException {
        List<KeyRegistration> found = new ArrayList<>();
        if (producers.isEmpty()) {
            return found;
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT device_id, key_id, public_key, sealing_key FROM device_key WHERE device_id = ANY (?)")) {
            ps.setArray(
                    1,
                    connection.createArrayOf(
                            "varchar",
                            producers.stream()
                                    .map(ProducerId::deviceOf)
                                    .distinct()
                                    .toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new KeyRegistration(
                            rs.getString(1), rs.getString(2), rs.getString(3), null, rs.getString(4)));
                }
            }
        }
        return found;
    }

    /** Why {@code e} must be refused for its signature, or null when it may be stored. */
    static String problem(
            TransactionEnvelope e, Map<String, Map<String, DeviceSigningKey>> keys, boolean acceptUnsigned) {
        String device = ProducerId.deviceOf(e.producer());
        Map<String, DeviceSigningKey> ofDevice = keys.getOrDefault(device, Map.of());
        if (e.signature() == null) {
            if (!ofDevice.isEmpty()) {
                return "unsigned, but device " + device + " signs its transactions: refused as forged or inserted "
                        + "by a relay; nothing of its producer was changed";
            }
            return acceptUnsigned
                    ? null
                    : "unsigned: this server takes only signed transactions "
                            + "(sync.server.ingest.accept-unsigned=false); update the device's app";
        }
        DeviceSigningKey key = ofDevice.get(e.signer());
        if (key == null) {
            return "signed by key " + e.signer() + ", which this server does not know for device " + device
                    + " (its registration has not arrived, or the key is not the device's)";
        }
        return key.verifies(e, e.signature())
                ? null
                : "the signature of device " + device + " does not verify: the "
                        + "transaction was altered, renumbered or forged on its way; refused, nothing stored";
    }

    /** A server's own key, registered as its own (it is the trust anchor of what it produces). */
    static void registerOwn(Connection connection, String nodeId, DeviceSigningKey key) throws SQLException {
        register(connection, List.of(new KeyRegistration(nodeId, key.keyId(), key.publicKey(), null)), nodeId);
    }

    /** The registrations this server vouches for when it passes on the transactions of {@code producers}. */
    static List<KeyRegistration> vouchFor(Connection connection, Set<String> producers) throws SQLException {
        return registered(connection, producers);
    }
}
