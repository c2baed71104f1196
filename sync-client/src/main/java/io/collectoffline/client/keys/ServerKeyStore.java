package io.collectoffline.client.keys;

import io.agroal.api.AgroalDataSource;
import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.client.transport.ServerClient;
import io.collectoffline.codec.ServerPublicKey;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The server public key this laptop seals to: from {@code sync.client.payload.public-key-file}, else the one it
 * stored before, else fetched from the server (at enrolment, i.e. first start with the server reachable). Each
 * push asks the server for its current key and adopts a rotated one.
 */
@ApplicationScoped
public class ServerKeyStore {

    private final ClientConfig config;
    private final AgroalDataSource dataSource;
    private final ServerClient server;
    private final Event<ServerKeyRotated> rotated;
    private volatile String inUse;

    ServerKeyStore(
            ClientConfig config, AgroalDataSource dataSource, ServerClient server, Event<ServerKeyRotated> rotated) {
        this.config = config;
        this.dataSource = dataSource;
        this.server = server;
        this.rotated = rotated;
    }

    /**
     * The key to seal to at start-up.
     *
     * @throws IllegalStateException naming the settings when there is no way to obtain it
     */
    public ServerPublicKey resolve() {
        if (config.payload().publicKeyFile().isPresent()) {
            ServerPublicKey key;
            try {
                key = ServerPublicKey.read(config.payload().publicKeyFile().get());
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException(
                        "sync.client.payload.public-key-file: cannot read a server key from "
                                + config.payload().publicKeyFile().get() + ": " + e.getMessage(),
                        e);
            }
            store(key, "file");
            inUse = key.keyId();
            return key;
        }
        Optional<ServerPublicKey> stored = stored();
        if (stored.isPresent()) {
            inUse = stored.get().keyId();
            return stored.get();
        }
        if (server.server().isEmpty()) {
            throw new IllegalStateException("sync.client.payload.codec=sealed needs the server's public key: set "
                    + "sync.client.payload.public-key-file, or sync.client.server.url (and .token) so that it is "
                    + "fetched at first start");
        }
        try {
            ServerPublicKey key = server.currentKey();
            key.decode();
            store(key, "server");
            Log.infof(
                    "Fetched the server's public key %s from %s",
                    key.keyId(), server.server().get());
            inUse = key.keyId();
            return key;
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "sync.client.payload.codec=sealed needs the server's public key and "
                            + "fetching it from " + server.server().get() + " failed (" + e.getMessage()
                            + "); start once with "
                            + "the server reachable, or set sync.client.payload.public-key-file",
                    e);
        }
    }

    /**
     * Asks the server for its current key and, when it differs from the one payloads are sealed to, keeps it and
     * tells capture to seal to it from now on. Nothing to do with the plain-json codec (no key in use).
     */
    public void followRotation() {
        String inUse = this.inUse;
        if (inUse == null || server.server().isEmpty()) {
            return;
        }
        ServerPublicKey current = server.currentKey();
        if (current.keyId().equals(inUse)) {
            return;
        }
        current.decode();
        store(current, "server");
        this.inUse = current.keyId();
        Log.infof("The server's current key is now %s (was %s): sealing to it from now on", current.keyId(), inUse);
        rotated.fire(new ServerKeyRotated(current));
    }

    /** The server's signing key as this laptop took it with the server's key, if it did. */
    public Optional<String> serverSigningKey() {
        return stored().map(ServerPublicKey::signingKey);
    }

    private Optional<ServerPublicKey> stored() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT key_id, algorithm, public_key, signing_key FROM server_key "
                                + "ORDER BY obtained_at DESC LIMIT 1");
                ResultSet rs = ps.executeQuery()) {
            return rs.next()
                    ? Optional.of(
                            new ServerPublicKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                    : Optional.empty();
        } catch (SQLException e) {
            throw new IllegalStateException("reading the stored server key failed", e);
        }
    }

    private void store(ServerPublicKey key, String source) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("MERGE INTO server_key (key_id, algorithm, public_key, "
                        + "obtained_at, source, signing_key) KEY (key_id) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, key.keyId());
            ps.setString(2, key.algorithm());
            ps.setString(3, key.publicKey());
            ps.setObject(4, OffsetDateTime.now(ZoneOffset.UTC));
            ps.setString(5, source);
            ps.setString(6, key.signingKey());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new UncheckedIOException(new IOException("storing server key " + key.keyId() + " failed", e));
        }
    }
}
