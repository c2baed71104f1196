package io.collectoffline.client.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.codec.ServerPublicKey;
import io.collectoffline.protocol.Batch;
import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.Held;
import io.collectoffline.protocol.HeldQuery;
import io.collectoffline.protocol.Watermark;
import io.collectoffline.shipping.RestHops;
import io.collectoffline.shipping.ServerApi;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The server this laptop delivers to, through the REST Client of {@link ServerApi}: the watermark, held txIds, the
 * current public key, and batch delivery (gzip). Every failure is a {@link io.collectoffline.shipping.LinkFailure}.
 */
@ApplicationScoped
public class ServerClient {

    private final ClientConfig config;
    private final ObjectMapper json;
    private volatile ServerApi api;

    ServerClient(ClientConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
    }

    /** The configured server, if any. */
    public Optional<URI> server() {
        return config.server().url();
    }

    /** How far the server holds {@code producer}'s transactions without a gap. */
    public Watermark watermark(String producer) {
        return RestHops.call(() -> api().watermark(producer));
    }

    /** Which of {@code txIds} of {@code producer} the server holds: delivery confirmed by identity. */
    public Held held(String producer, List<UUID> txIds) {
        return RestHops.call(() -> api().held(producer, new HeldQuery(txIds)));
    }

    /** The public key the server wants payloads sealed to. */
    public ServerPublicKey currentKey() {
        return RestHops.call(() -> api().currentKey());
    }

    /** Sends one batch, gzip-compressed; returns the server's per-transaction answer. */
    public BatchResult send(Batch batch) {
        byte[] body = RestHops.gzipJson(json, batch);
        return RestHops.call(() -> api().send("gzip", body));
    }

    private ServerApi api() {
        ServerApi known = api;
        if (known == null) {
            URI base = config.server().url().orElseThrow(() -> new IllegalStateException(
                    "no sync.client.server.url"));
            known = RestHops.create(ServerApi.class, base, config.server().token().orElse(null),
                    config.server().connectTimeout(), config.server().requestTimeout());
            api = known;
        }
        return known;
    }
}
