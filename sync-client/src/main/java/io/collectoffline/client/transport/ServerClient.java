package io.collectoffline.client.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.codec.ServerPublicKey;
import io.collectoffline.protocol.Batch;
import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.Held;
import io.collectoffline.protocol.HeldQuery;
import io.collectoffline.protocol.Watermark;
import io.collectoffline.shipping.JsonHop;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * HTTP to the server: the watermark, the current public key, and batch delivery (gzip). Every failure is a
 * {@link io.collectoffline.shipping.LinkFailure}, classified once by {@link JsonHop}.
 */
@ApplicationScoped
public class ServerClient {

    private final ClientConfig config;
    private final JsonHop http;

    ServerClient(ClientConfig config, ObjectMapper json) {
        this.config = config;
        this.http = new JsonHop(json, config.server().connectTimeout(), config.server().requestTimeout());
    }

    /** The configured server, if any. */
    public Optional<URI> server() {
        return config.server().url();
    }

    /** How far the server holds {@code producer}'s transactions without a gap. */
    public Watermark watermark(String producer) {
        return http.exchange(request("/api/v1/producers/" + JsonHop.segment(producer) + "/watermark").GET().build(),
                Watermark.class);
    }

    /** Which of {@code txIds} of {@code producer} the server holds: delivery confirmed by identity. */
    public Held held(String producer, List<UUID> txIds) {
        return http.exchange(http.postJson(request("/api/v1/producers/" + JsonHop.segment(producer) + "/held"),
                new HeldQuery(txIds)).build(), Held.class);
    }

    /** The public key the server wants payloads sealed to. */
    public ServerPublicKey currentKey() {
        return http.exchange(request("/api/v1/keys/current").GET().build(), ServerPublicKey.class);
    }

    /** Sends one batch, gzip-compressed; returns the server's per-transaction answer. */
    public BatchResult send(Batch batch) {
        return http.exchange(http.postGzipJson(request("/api/v1/batches"), batch).build(), BatchResult.class);
    }

    private HttpRequest.Builder request(String path) {
        URI base = config.server().url().orElseThrow(() -> new IllegalStateException("no sync.client.server.url"));
        return http.request(base, path, config.server().token().orElse(null));
    }
}
