package io.collectoffline.server.keys;

import io.collectoffline.codec.KeyRing;
import io.collectoffline.codec.ServerPublicKey;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code java -jar sync-server/target/quarkus-app/quarkus-run.jar keys <generate|list|current> [--dir DIR]}:
 * key management without starting the server. {@code generate} adds a pair and makes it current (rotation: restart
 * the server afterwards); {@code current} prints the public key JSON that a laptop without network can be given
 * ({@code sync.client.payload.public-key-file}).
 */
public final class KeyCommand {

    private KeyCommand() {
    }

    /** Runs the command; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path dir = Path.of(System.getenv().getOrDefault("SYNC_SERVER_KEYS_DIR", "./data/server/keys"));
        String action = args.length > 1 ? args[1] : "";
        for (int i = 2; i < args.length; i++) {
            if (args[i].equals("--dir") && i + 1 < args.length) {
                dir = Path.of(args[++i]);
            } else {
                err.println("unknown option " + args[i]);
                return 2;
            }
        }
        try {
            switch (action) {
                case "generate" -> {
                    ServerPublicKey key = KeyRing.generate(dir);
                    out.println("generated " + key.keyId() + " in " + dir.toAbsolutePath() + "; it is now current "
                            + "(restart the server to use it; older keys keep opening their payloads)");
                }
                case "list" -> {
                    KeyRing ring = KeyRing.load(dir);
                    for (String id : ring.keyIds()) {
                        out.println(id + (id.equals(ring.current().keyId()) ? "  (current)" : ""));
                    }
                }
                case "current" -> {
                    out.println(KeyRing.load(dir).current().toJson());
                }
                default -> {
                    err.println("usage: keys <generate|list|current> [--dir DIR]   (default dir "
                            + "$SYNC_SERVER_KEYS_DIR or ./data/server/keys)");
                    return 2;
                }
            }
            return 0;
        } catch (RuntimeException e) {
            err.println("keys " + action + " failed: " + e.getMessage());
            return 1;
        }
    }
}
