package io.collectoffline.client.capture;

import io.agroal.api.AgroalDataSource;
import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.client.identity.NodeIdentity;
import io.collectoffline.client.identity.StreamChanged;
import io.collectoffline.client.keys.ServerKeyRotated;
import io.collectoffline.client.keys.ServerKeyStore;
import io.collectoffline.codec.PayloadCodec;
import io.collectoffline.codec.PayloadDictionaries;
import io.collectoffline.codec.PlainJsonCodec;
import io.collectoffline.codec.SealedCodec;
import io.collectoffline.codec.ServerPublicKey;
import io.collectoffline.offline.InvalidOfflineModelException;
import io.collectoffline.offline.ModelDescriptor;
import io.collectoffline.offline.NaturalKeyIndexCheck;
import io.collectoffline.offline.OfflineModelRegistry;
import io.collectoffline.offline.OfflineModelSet;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

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
    private final NodeIdentity identity;
    private volatile String hostname;

    CaptureInstaller(
            ClientConfig config,
            AgroalDataSource dataSource,
            OfflineModelRegistry registry,
            ServerKeyStore keys,
            NodeIdentity identity) {
        this.config = config;
        this.dataSource = dataSource;
        this.registry = registry;
        this.keys = keys;
        this.identity = identity;
    }

    /**
     * The registry of this application's offline models: the published ones ({@link OfflineModelSet}, the list the
     * server uses too), checked against the JPA entities and validated.
     */
    @Produces
    @Singleton
    static OfflineModelRegistry registry(EntityManagerFactory entityManagerFactory) {
        List<Class<?>> entities = new ArrayList<>();
        for (EntityType<?> entity : entityManagerFactory.getMetamodel().getEntities()) {
            entities.add(entity.getJavaType());
        }
        OfflineModelRegistry registry = OfflineModelSet.registryFor(entities);
        registry.trackedItems(); // the tracked-item annotations are checked at start, not at first use
        return registry;
    }

    void onStart(@Observes @Priority(1) StartupEvent event) throws SQLException {
        hostname = hostname();
        PayloadCodec codec;
        try (Connection connection = dataSource.getConnection()) {
            List<String> problems = NaturalKeyIndexCheck.problems(connection, registry.models());
            if (!problems.isEmpty()) {
                throw new InvalidOfflineModelException(problems);
            }
            String producer = identity.producer();
            codec = codec(config.payload().codec());
            CaptureRuntime.install(
                    new CaptureSettings(
                            identity.device(),
                            producer,
                            identity.signingKey(),
                            hostname,
                            config.capture().enabled(),
                            codec,
                            registry),
                    config.records().defaultUser());
            installTriggers(connection);
        }
        if (config.capture().enabled()) {
            Log.infof(
                    "Change capture on: producer %s, %d offline models, payload codec %s",
                    identity.producer(), registry.models().size(), codec.name());
        } else {
            Log.warnf(
                    "Change capture OFF (sync.client.capture.enabled=false): records save but no transactions "
                            + "are written for producer %s",
                    identity.producer());
        }
        if (PlainJsonCodec.NAME.equals(codec.name())) {
            Log.warn("Payloads are sealed with plain-json: participant data travels unencrypted");
        }
    }

    /** Seals from now on to a rotated server key (a new data key epoch starts with it). */
    void useServerKey(@Observes ServerKeyRotated rotated) {
        CaptureSettings current = CaptureRuntime.settings();
        CaptureRuntime.install(
                new CaptureSettings(
                        current.device(),
                        current.producer(),
                        current.signer(),
                        current.hostname(),
                        current.enabled(),
                        sealed(rotated.key()),
                        current.registry()),
                config.records().defaultUser());
    }

    /**
     * Captures from now on on the stream this laptop moved to (a new stream of this device whose counter row the
     * outbox has committed, after a divergence, README Guarantees 8).
     */
    void useStream(@Observes StreamChanged changed) {
        CaptureSettings current = CaptureRuntime.settings();
        CaptureRuntime.install(
                new CaptureSettings(
                        current.device(),
                        changed.stream(),
                        current.signer(),
                        current.hostname(),
                        current.enabled(),
                        current.codec(),
                        current.registry()),
                config.records().defaultUser());
    }

    void onStop(@Observes ShutdownEvent event) {
        org.h2.util.JdbcUtils.removeClassFactory(TRIGGER_CLASS_FACTORY);
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
        return new SealedCodec(
                key,
                config.payload().epochTransactions(),
                config.payload().epochLength(),
                config.payload().compress() ? PayloadDictionaries.shipped() : null);
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
                st.execute("CREATE TRIGGER " + table + "_CAPTURE_AUDIT BEFORE INSERT, UPDATE ON " + table
                        + " FOR EACH ROW CALL '" + TRIGGER_CLASS + "'");
                st.execute("DROP TRIGGER IF EXISTS " + table + "_CAPTURE");
                st.execute("CREATE TRIGGER " + table + "_CAPTURE AFTER INSERT, UPDATE, DELETE ON " + table
                        + " FOR EACH ROW CALL '" + TRIGGER_CLASS + "'");
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
