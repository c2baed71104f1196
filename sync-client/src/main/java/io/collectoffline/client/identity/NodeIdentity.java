package io.collectoffline.client.identity;

import io.agroal.api.AgroalDataSource;
import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.codec.DeviceSealingKey;
import io.collectoffline.codec.DeviceSigningKey;
import io.collectoffline.protocol.DeviceId;
import io.collectoffline.protocol.KeyRegistration;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * This laptop's identity, read (and on the first start made) from {@code node_identity} at first use: the device
 * id, the stream it captures on, its signing key and the key's registration proven with its token.
 */
@ApplicationScoped
public class NodeIdentity {

    private final ClientConfig config;
    private final AgroalDataSource dataSource;
    private final EntityManager em;
    private final Event<StreamChanged> streamChanged;
    private volatile Loaded loaded;

    NodeIdentity(
            ClientConfig config, AgroalDataSource dataSource, EntityManager em, Event<StreamChanged> streamChanged) {
        this.config = config;
        this.dataSource = dataSource;
        this.em = em;
        this.streamChanged = streamChanged;
    }

    private record Loaded(
            String device,
            String stream,
            DeviceSigningKey signingKey,
            DeviceSealingKey sealingKey,
            KeyRegistration registration) {}

    /** This laptop's device id, fixed by its first start. */
    public String device() {
        return loaded().device();
    }

    /** The producer (stream) this laptop captures on now: its device id, or a stream of it after a divergence. */
    public String producer() {
        return loaded().stream();
    }

    /** This laptop's signing key (README, Guarantees 10). */
    public DeviceSigningKey signingKey() {
        return loaded().signingKey();
    }

    /**
     * This laptop's key registration for the servers: its signing and sealing public keys with the proof made with
     * its token; null when no token is configured (the server cannot check the keys then).
     */
    public KeyRegistration registration() {
        return loaded().registration();
    }

    /** This laptop's sealing key pair: what servers seal the records they send it to (ADR 14). */
    public DeviceSealingKey sealingKey() {
        return loaded().sealingKey();
    }

    /**
     * Records, in the caller's database transaction, that this laptop moves to {@code stream}, leaving {@code from}
     * at {@code fromSeq} with {@code reissued} pending transactions re-issued; {@link #useStream} follows the commit.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void recordMove(String from, long fromSeq, String stream, int reissued) {
        em.createNativeQuery("UPDATE node_identity SET stream = ?1, diverged_from = ?2, diverged_seq = ?3, "
                        + "diverged_at = ?4, reissued = reissued + ?5")
                .setParameter(1, stream)
                .setParameter(2, from)
                .setParameter(3, fromSeq)
                .setParameter(4, OffsetDateTime.now(ZoneOffset.UTC))
                .setParameter(5, reissued)
                .executeUpdate();
    }

    /** Captures on {@code stream} from now on (its move committed); tells capture. */
    public void useStream(String stream) {
        Loaded current = loaded();
        loaded = new Loaded(
                current.device(), stream, current.signingKey(), current.sealingKey(), current.registration());
        streamChanged.fire(new StreamChanged(stream));
    }

    /**
     * Why this laptop captures on a stream other than its device id, or null when it never diverged.
     *
     * @param stream   the stream it captures on now
     * @param from     the stream it left
     * @param fromSeq  the lowest seq a server held with another transaction
     * @param at       when it moved
     * @param reissued pending transactions re-issued on new streams so far
     */
    public record Divergence(String stream, String from, long fromSeq, OffsetDateTime at, int reissued) {}

    /** The last divergence this laptop recovered from, or null. */
    @Transactional
    public Divergence divergence() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT stream, diverged_from, diverged_seq, diverged_at, reissued "
                        + "FROM node_identity WHERE stream IS NOT NULL")
                .getResultList();
        if (rows.isEmpty()) {
            return null;
        }
        Object[] r = rows.get(0);
        Object at = r[3];
        return new Divergence(
                (String) r[0],
                (String) r[1],
                ((Number) r[2]).longValue(),
                at instanceof OffsetDateTime t ? t : at == null ? null : OffsetDateTime.parse(at.toString()),
                ((Number) r[4]).intValue());
    }

    private Loaded loaded() {
        Loaded known = loaded;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (loaded == null) {
                try (Connection connection = dataSource.getConnection()) {
                    String device = resolveDevice(connection);
                    DeviceSigningKey key = signingKey(connection);
                    DeviceSealingKey sealing = sealingKey(connection);
                    KeyRegistration registration = config.server()
                            .token()
                            .map(token -> new KeyRegistration(
                                    device,
                                    key.keyId(),
                                    key.publicKey(),
                                    KeyRegistration.proof(device, key.publicKey(), sealing.publicKey(), token),
                                    sealing.publicKey()))
                            .orElse(null);
                    loaded = new Loaded(device, currentStream(connection, device), key, sealing, registration);
                } catch (SQLException e) {
                    throw new IllegalStateException("reading this laptop's identity failed", e);
                }
            }
            return loaded;
        }
    }

    /**
     * The device id is fixed by the first start: the sequence of every transaction already captured belongs to
     * it, so a later different configured value is refused rather than silently starting a second sequence.
     */
    private String resolveDevice(Connection connection) throws SQLException {
        String configured = config.deviceId().map(String::trim).orElse(null);
        if (configured != null && !DeviceId.isValid(configured)) {
            throw new IllegalArgumentException(
                    "sync.client.device-id: '" + configured + "' must be " + DeviceId.DESCRIPTION);
        }
        String stored = null;
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT device_id FROM node_identity")) {
            if (rs.next()) {
                stored = rs.getString(1);
            }
        }
        if (stored != null) {
            if (configured != null && !configured.equals(stored)) {
                throw new IllegalStateException("sync.client.device-id: configured '" + configured
                        + "' but this database was created by device '" + stored
                        + "'; use the original id or a new database (" + config.dbPath() + ")");
            }
            return stored;
        }
        String minted = configured != null
                ? configured
                : "laptop-" + UUID.randomUUID().toString().substring(0, 8);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (PreparedStatement identity = connection.prepareStatement(
                        "INSERT INTO node_identity (singleton, device_id, created) VALUES (1, ?, ?)");
                PreparedStatement counter = connection.prepareStatement(
                        "INSERT INTO producer_counter (producer, last_seq) VALUES (?, 0)")) {
            identity.setString(1, minted);
            identity.setObject(2, OffsetDateTime.now(ZoneOffset.UTC));
            identity.executeUpdate();
            counter.setString(1, minted);
            counter.executeUpdate();
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        Log.infof("This laptop's device id is %s (first start)", minted);
        return minted;
    }

    /** The signing key kept in the database, made on the first start that needs one. */
    private static DeviceSigningKey signingKey(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT signing_key_id, signing_public_key, signing_private_key " + "FROM node_identity")) {
            if (rs.next() && rs.getString(1) != null) {
                return new DeviceSigningKey(rs.getString(1), rs.getString(2), rs.getString(3));
            }
        }
        DeviceSigningKey made = DeviceSigningKey.generate();
        try (PreparedStatement ps = connection.prepareStatement(
                "UPDATE node_identity SET signing_key_id = ?, " + "signing_public_key = ?, signing_private_key = ?")) {
            ps.setString(1, made.keyId());
            ps.setString(2, made.publicKey());
            ps.setString(3, made.privateKey());
            ps.executeUpdate();
        }
        Log.infof("This laptop's signing key is %s (made now)", made.keyId());
        return made;
    }

    /** The sealing key pair kept in the database, made on the first start that needs one (ADR 14). */
    private static DeviceSealingKey sealingKey(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT sealing_public_key, sealing_private_key FROM node_identity")) {
            if (rs.next() && rs.getString(1) != null) {
                return new DeviceSealingKey(rs.getString(1), rs.getString(2));
            }
        }
        DeviceSealingKey made = DeviceSealingKey.generate();
        try (PreparedStatement ps = connection.prepareStatement(
                "UPDATE node_identity SET sealing_public_key = ?, sealing_private_key = ?")) {
            ps.setString(1, made.publicKey());
            ps.setString(2, made.privateKey());
            ps.executeUpdate();
        }
        Log.info("This laptop's sealing key was made now");
        return made;
    }

    /** The stream recorded in the database (a restart keeps capturing where the last divergence moved it). */
    private static String currentStream(Connection connection, String device) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT stream FROM node_identity")) {
            String stream = rs.next() ? rs.getString(1) : null;
            return stream == null ? device : stream;
        }
    }
}
