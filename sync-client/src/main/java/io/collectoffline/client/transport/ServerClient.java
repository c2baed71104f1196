package io.collectoffline.client.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.codec.ServerPublicKey;
import io.collectoffline.shipping.ServerHop;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.Optional;

/**
 * The server this laptop delivers to ({@code sync.client.server.url}, with its token), as a {@link ServerHop}.
 * Every failure is a {@link io.collectoffline.shipping.LinkFailure}.
 */
@ApplicationScoped
public class ServerClient {

    private final ClientConfig config;
    private final ObjectMapper json;
    private volatile ServerHop hop;

    ServerClient(ClientConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
    }

    /** The configured server, if any. */
    public Optional<URI> server() {
        return config.server().url();
    }

    /** The public key the server wants payloads sealed to. */
    public ServerPublicKey currentKey() {
        return hop().currentKey();
    }

    /** The configured server; only when {@link #server()} names one. */
    public ServerHop hop() {
        ServerHop known = hop;
        if (known == null) {
            URI base = config.server().url().orElseThrow(() -> new IllegalStateException("no sync.client.server.url"));
            known = new ServerHop(
                    base,
                    config.server().token().orElse(null),
                    config.server().connectTimeout(),
                    config.server().requestTimeout(),
                    json);
            hop = known;
        }
        return known;
    }
}
