package io.collectoffline.server.keys;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.codec.DeviceSigningKey;
import io.collectoffline.codec.KeyRing;
import io.collectoffline.codec.ServerPublicKey;
import io.collectoffline.server.config.ServerConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The server's key pairs, loaded at start-up from {@code sync.server.keys.dir}. A server that has none generates
 * its first pair there (and says so); rotation is the {@code keys generate} command, after which a restart makes
 * the new pair current while older ones keep opening what was sealed to them.
 */
@Startup
@ApplicationScoped
public class ServerKeys {

    private final KeyRing ring;
    private final Path dir;
    private DeviceSigningKey signingKey;

    ServerKeys(ServerConfig config) {
        Path dir = Path.of(config.keys().dir());
        this.dir = dir;
        if (!KeyRing.exists(dir)) {
            ServerPublicKey first = KeyRing.generate(dir);
            Log.infof(
                    "Generated this server's first key pair %s in %s (keep this folder private and backed up)",
                    first.keyId(), dir.toAbsolutePath());
        }
        this.ring = KeyRing.load(dir);
        Log.infof(
                "Server keys: current %s, %d in all",
                ring.current().keyId(), ring.keyIds().size());
    }

    public KeyRing ring() {
        return ring;
    }

    /** The key devices seal to, with this server's signing key (what its down-sync entries are signed with). */
    public ServerPublicKey current() {
        return ring.current().withSigningKey(signingKey().publicKey());
    }

    /**
     * This server's signing key (Ed25519): what it signs its own changes as a producer and the down-sync entries it
     * sends devices with. Kept beside the study keys ({@code device-signing-key.ed25519}, not a {@code .json}: the
     * key folder's JSON files are study key pairs), made on first use.
     */
    public synchronized DeviceSigningKey signingKey() {
        if (signingKey == null) {
            signingKey = signingKeyIn(dir);
        }
        return signingKey;
    }

    /** The signing key kept in the key folder {@code dir}, made there if it has none. */
    public static DeviceSigningKey signingKeyIn(Path dir) {
        Path file = dir.resolve("device-signing-key.ed25519");
        ObjectMapper json = new ObjectMapper();
        try {
            if (Files.exists(file)) {
                return json.readValue(file.toFile(), DeviceSigningKey.class);
            }
            DeviceSigningKey made = DeviceSigningKey.generate();
            Files.createDirectories(file.getParent());
            Path temp = Files.createTempFile(file.getParent(), ".signing-", ".tmp");
            Files.writeString(temp, json.writeValueAsString(made));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            return made;
        } catch (IOException e) {
            throw new UncheckedIOException("reading or making this server's signing key " + file + " failed", e);
        }
    }
}
