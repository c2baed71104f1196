package io.collectoffline.client;

import io.collectoffline.codec.KeyRing;
import io.collectoffline.codec.ServerPublicKey;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A server key pair for the laptop's tests: the laptop gets the public half as its key file (as a laptop set up
 * offline would); tests open sealed payloads with the private half, as only a server can.
 */
public class TestServerKeys implements QuarkusTestResourceLifecycleManager {

    /** Where the test key ring lives. */
    public static final Path DIR = Path.of("target", "test-server-keys");

    @Override
    public Map<String, String> start() {
        try {
            if (!KeyRing.exists(DIR)) {
                KeyRing.generate(DIR);
            }
            ServerPublicKey key = KeyRing.load(DIR).current();
            Path file = DIR.resolveSibling("test-server-public.json"); // outside the ring: not a pair
            Files.writeString(file, key.toJson());
            return Map.of(
                    "sync.client.payload.public-key-file", file.toAbsolutePath().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // the key ring stays in target/ for the next test app
    }

    /** The server side: opens what the laptop sealed. */
    public static KeyRing ring() {
        return KeyRing.load(DIR);
    }
}
