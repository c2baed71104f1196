package io.collectoffline.server.keys;

import io.collectoffline.codec.KeyRing;
import io.collectoffline.codec.ServerPublicKey;
import io.collectoffline.server.config.ServerConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;

/**
 * The server's key pairs, loaded at start-up from {@code sync.server.keys.dir}. A server that has none generates
 * its first pair there (and says so); rotation is the {@code keys generate} command, after which a restart makes
 * the new pair current while older ones keep opening what was sealed to them.
 */
@Startup
@ApplicationScoped
public class ServerKeys {

    private final KeyRing ring;

    ServerKeys(ServerConfig config) {
        Path dir = Path.of(config.keys().dir());
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

    /** The key devices seal to. */
    public ServerPublicKey current() {
        return ring.current();
    }
}
