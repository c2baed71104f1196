package io.collectoffline.server.keys;

import io.collectoffline.codec.KeyRing;
import io.collectoffline.codec.ServerPublicKey;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * What {@code java -jar …/quarkus-run.jar keys <generate|list|current> [--dir DIR]} does (the options are the
 * admin CLI's): key management without starting the server. {@code generate} adds a pair and makes it current
 * (rotation: restart the server afterwards); {@code current} prints the public key JSON that a laptop without
 * network can be given ({@code sync.client.payload.public-key-file}).
 */
public final class KeyCommand {

    private KeyCommand() {}

    /** Adds a key pair to {@code dir} and makes it current; returns the exit code. */
    public static int generate(Path dir, PrintStream out, PrintStream err) {
        return attempt("generate", err, () -> {
            ServerPublicKey key = KeyRing.generate(dir);
            out.println("generated " + key.keyId() + " in " + dir.toAbsolutePath() + "; it is now current "
                    + "(restart the server to use it; older keys keep opening their payloads)");
        });
    }

    /** Prints the key ids in {@code dir}, the current one marked; returns the exit code. */
    public static int list(Path dir, PrintStream out, PrintStream err) {
        return attempt("list", err, () -> {
            KeyRing ring = KeyRing.load(dir);
            for (String id : ring.keyIds()) {
                out.println(id + (id.equals(ring.current().keyId()) ? "  (current)" : ""));
            }
        });
    }

    /** Prints the current public key's JSON; returns the exit code. */
    public static int current(Path dir, PrintStream out, PrintStream err) {
        return attempt(
                "current",
                err,
                () -> out.println(KeyRing.load(dir)
                        .current()
                        .withSigningKey(ServerKeys.signingKeyIn(dir).publicKey())
                        .toJson()));
    }

    private static int attempt(String action, PrintStream err, Runnable work) {
        try {
            work.run();
            return 0;
        } catch (RuntimeException e) {
            err.println("keys " + action + " failed: " + e.getMessage());
            return 1;
        }
    }
}
