package io.collectoffline.client.capture;

import io.agroal.api.AgroalDataSource;
import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.codec.DeviceSigningKey;
import io.collectoffline.codec.PayloadCodec;
import io.collectoffline.codec.PlainJsonCodec;
import io.collectoffline.codec.SealedCodec;
import io.collectoffline.codec.ServerPublicKey;
import io.collectoffline.client.transport.ServerKeyStore;
import io.collectoffline.offline.InvalidOfflineModelException;
import io.collectoffline.offline.ModelDescriptor;
import io.collectoffline.offline.NaturalKeyIndexCheck;
import io.collectoffline.offline.OfflineModelRegistry;
import io.collectoffline.protocol.DeviceId;
import io.collectoffline.protocol.KeyRegistration;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.metamodel.EntityType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Makes change capture live before the app serves its first request: validates the offline models against the
 * entity classes and the database, fixes this laptop's producer id, and installs the capture triggers on every
 * offline table (and removes them from tables that are no longer offline).
 *
 * <p>Any problem stops start-up with a message naming the model or the configuration key: a laptop that cannot
 * capture correctly must not accept data.
 */
@ApplicationScoped
public class CaptureInstaller {

    static final String TRIGGER_CLASS = CaptureTrigger.class.getName();
    private static final org.h2.util.Utils.ClassFactory TRIGGER_CLASS_FACTORY = new org.h2.util.Utils.ClassFactory() {
        @Override
        public boolean match(String name) {
            return TRIGGER_CLASS.equals(name);
        }

        @Override
        public Class<?> loadClass(String name) {
            return CaptureTrigger.class;
        }
    };

    private final ClientConfig config;
    private final AgroalDataSource dataSource;
    private final OfflineModelRegistry registry;
    private final ServerKeyStore keys;
    private volatile String device;
    private volatile DeviceSigningKey signingKey;
    private volatile KeyRegistration registration;
    private volatile String producer;
    private volatile String hostname;

    CaptureInstaller(ClientConfig config, AgroalDataSource dataSource, OfflineModelRegistry registry,
            ServerKeyStore keys) {
        this.config = config;
        this.dataSource = dataSource;
        this.registry = registry;
        this.keys = keys;
    }

    /** The registry of this application's offline models, built from its JPA entities and validated. */
    @Produces
    @Singleton
    static OfflineModelRegistry registry(EntityManagerFactory entityManagerFactory) {
        List<Class<?>> entities = new ArrayList<>();
        for (EntityType<?> entity : entityManagerFactory.getMetamodel().getEntities()) {
            entities.add(entity.getJavaType());
        }
        return OfflineModelRegistry.of(entities);
    }

    void onStart(@Observes @Priority(1) StartupEvent event) throws SQLException {
        hostname = hostname();
        PayloadCodec codec;
        try (Connection connection = dataSource.getConnection()) {
            List<String> problems = NaturalKeyIndexCheck.problems(connection, registry.models());
            if (!problems.isEmpty()) {
                throw new InvalidOfflineModelException(problems);
            }
            device = resolveProducer(connection);
            producer = currentStream(connection, device);
            signingKey = signingKey(connection);
            registration = config.server().token().map(token -> new KeyRegistration(device, signingKey.keyId(),
                    signingKey.publicKey(), KeyRegistration.proof(device, signingKey.publicKey(), token)))
                    .orElse(null);
            codec = codec(config.payload().codec());
            CaptureRuntime.install(new CaptureSettings(device, producer, signingKey, hostname,
                    config.capture().enabled(), codec,
                    registry), config.records().defaultUser());
            installTriggers(connection);
        }
        if (config.capture().enabled()) {
            Log.infof("Change capture on: producer %s, %d offline models, payload codec %s", producer,
                    registry.models().size(), codec.name());
        } else {
            Log.warnf("Change capture OFF (sync.client.capture.enabled=false): records save but no transactions "
                    + "are written for producer %s", producer);
        }
        if (PlainJsonCodec.NAME.equals(codec.name())) {
            Log.warn("Payloads are sealed with plain-json: participant data travels unencrypted");
        }
    }

    /** The server key new payloads are sealed to; null with the plain-json codec. */
    public String serverKeyId() {
        return CaptureRuntime.settings().codec() instanceof SealedCodec sealed ? sealed.serverKeyId() : null;
    }

    /** Seals from now on to a rotated server key (a new data key epoch starts with it). */
    public void useServerKey(ServerPublicKey key) {
        CaptureSettings current = CaptureRuntime.settings();
        CaptureRuntime.install(new CaptureSettings(current.device(), current.producer(), current.signer(),
                current.hostname(),
                current.enabled(), sealed(key), current.registry()), config.records().defaultUser());
    }

    /**
     * Captures from now on on {@code stream}, a new stream of this device whose counter row the outbox has
     * committed (after a divergence, README Guarantees 8).
     */
    public void useStream(String stream) {
        CaptureSettings current = CaptureRuntime.settings();
        CaptureRuntime.install(new CaptureSettings(current.device(), stream, current.signer(), current.hostname(),
                current.enabled(),
                current.codec(), current.registry()), config.records().defaultUser());
        producer = stream;
    }

    /** This laptop's signing key (README, Guarantees 10). */
    public DeviceSigningKey signingKey() {
        return signingKey;
    }

    /**
     * This laptop's signing key registration for the servers, made at start-up: its public key with the proof made
     * with its token; null when no token is configured (the server cannot check the key then).
     */
    public KeyRegistration registration() {
        return registration;
    }

    /** This laptop's device id, fixed by its first start. */
    public String device() {
        return device;
    }

    void onStop(@Observes ShutdownEvent event) {
        org.h2.util.JdbcUtils.removeClassFactory(TRIGGER_CLASS_FACTORY);
    }

    /** The producer (stream) this laptop captures on now: its device id, or a stream of it after a divergence. */
    public String producer() {
        return producer;
    }

    private PayloadCodec codec(String name) {
        if (PlainJsonCodec.NAME.equals(name)) {
            return new PlainJsonCodec();
        }
        if (SealedCodec.NAME.equals(name)) {
            return sealed(keys.resolve());
        }
        throw new IllegalArgumentException("sync.client.payload.codec: unknown codec '" + name + "'; known: "
                + SealedCodec.NAME + ", " + PlainJsonCodec.NAME);
    }

    private SealedCodec sealed(ServerPublicKey key) {
        return new SealedCodec(key, config.payload().epochTransactions(), config.payload().epochLength());
    }

    /**
     * The producer id is fixed by the first start: the sequence of every transaction already captured belongs to
     * it, so a later different configured value is refused rather than silently starting a second sequence.
     */
    private String resolveProducer(Connection connection) throws SQLException {
        String configured = config.deviceId().map(String::trim).orElse(null);
        if (configured != null && !DeviceId.isValid(configured)) {
            throw new IllegalArgumentException("sync.client.device-id: '" + configured
                    + "' must be " + DeviceId.DESCRIPTION);
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
        String minted = configured != null ? configured
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
             ResultSet rs = st.executeQuery("SELECT signing_key_id, signing_public_key, signing_private_key "
                     + "FROM node_identity")) {
            if (rs.next() && rs.getString(1) != null) {
                return new DeviceSigningKey(rs.getString(1), rs.getString(2), rs.getString(3));
            }
        }
        DeviceSigningKey made = DeviceSigningKey.generate();
        try (PreparedStatement ps = connection.prepareStatement("UPDATE node_identity SET signing_key_id = ?, "
                + "signing_public_key = ?, signing_private_key = ?")) {
            ps.setString(1, made.keyId());
            ps.setString(2, made.publicKey());
            ps.setString(3, made.privateKey());
            ps.executeUpdate();
        }
        Log.infof("This laptop's signing key is %s (made now)", made.keyId());
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

    /**
     * (Re)creates the triggers. H2 instantiates a trigger class by name through its own class loader; the class
     * factory makes it use this application's class (the one whose {@link CaptureRuntime} start-up has filled),
     * and re-creating the triggers replaces instances that H2 loaded when it opened the file, before start-up.
     */
    private void installTriggers(Connection connection) throws SQLException {
        org.h2.util.JdbcUtils.removeClassFactory(TRIGGER_CLASS_FACTORY);
        org.h2.util.JdbcUtils.addClassFactory(TRIGGER_CLASS_FACTORY);
        Set<String> offlineTables = new HashSet<>();
        try (Statement st = connection.createStatement()) {
            for (ModelDescriptor model : registry.models()) {
                String table = model.table().toUpperCase(Locale.ROOT);
                offlineTables.add(table);
                st.execute("DROP TRIGGER IF EXISTS " + table + "_CAPTURE_AUDIT");
                st.execute("CREATE TRIGGER " + table + "_CAPTURE_AUDIT BEFORE INSERT, UPDATE ON "
                        + table + " FOR EACH ROW CALL '" + TRIGGER_CLASS + "'");
                st.execute("DROP TRIGGER IF EXISTS " + table + "_CAPTURE");
                st.execute("CREATE TRIGGER " + table + "_CAPTURE AFTER INSERT, UPDATE, DELETE ON "
                        + table + " FOR EACH ROW CALL '" + TRIGGER_CLASS + "'");
            }
        }
        List<String> stale = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT DISTINCT trigger_name, event_object_table "
                + "FROM information_schema.triggers WHERE java_class = ?")) {
            ps.setString(1, TRIGGER_CLASS);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!offlineTables.contains(rs.getString(2))) {
                        stale.add(rs.getString(1));
                    }
                }
            }
        }
        try (Statement st = connection.createStatement()) {
            for (String trigger : stale) {
                Log.infof("Removing capture trigger %s: its table is no longer an offline model", trigger);
                st.execute("DROP TRIGGER " + trigger);
            }
        }
    }

    private static String hostname() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return name.length() <= 60 ? name : name.substring(0, 60);
        } catch (UnknownHostException e) {
            Log.debugf("Hostname unknown (%s); audit fields will say 'localhost'", e.getMessage());
            return "localhost";
        }
    }
}
