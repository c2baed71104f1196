package io.collectoffline.client.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.codec.ServerPublicKey;
import io.collectoffline.protocol.Batch;
import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.Held;
import io.collectoffline.protocol.HeldQuery;
import io.collectoffline.protocol.Watermark;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

/** HTTP to the server: the watermark, the current public key, and batch delivery (gzip). */
@ApplicationScoped
public class ServerClient {

    private final ClientConfig config;
    private final ObjectMapper json;
    private final JsonHttp http;

    ServerClient(ClientConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
        this.http = new JsonHttp(json, config.server().connectTimeout(), config.server().requestTimeout());
    }

    /** The configured server, if any. */
    public Optional<URI> server() {
        return config.server().url();
    }

    /** How far the server holds {@code producer}'s transactions without a gap. */
    public Watermark watermark(String producer) {
        return http.exchange(request("/api/v1/producers/" + URLEncoder.encode(producer, StandardCharsets.UTF_8)
                + "/watermark").GET().build(), Watermark.class);
    }

    /** Which of {@code txIds} of {@code producer} the server holds: delivery confirmed by identity. */
    public Held held(String producer, List<UUID> txIds) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(new HeldQuery(txIds));
        } catch (IOException e) {
            throw new IllegalStateException("serialising a held query failed", e);
        }
        return http.exchange(request("/api/v1/producers/" + URLEncoder.encode(producer, StandardCharsets.UTF_8)
                + "/held").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), Held.class);
    }

    /** The public key the server wants payloads sealed to. */
    public ServerPublicKey currentKey() {
        return http.exchange(request("/api/v1/keys/current").GET().build(), ServerPublicKey.class);
    }

    /** Sends one batch, gzip-compressed; returns the server's per-transaction answer. */
    public BatchResult send(Batch batch) {
        byte[] body;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                json.writeValue(gzip, batch);
            }
            body = out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("serialising batch " + batch.batchId() + " failed", e);
        }
        return http.exchange(request("/api/v1/batches").header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                BatchResult.class);
    }

    private HttpRequest.Builder request(String path) {
        URI base = config.server().url().orElseThrow(() -> new IllegalStateException("no sync.client.server.url"));
        return http.request(base, path, config.server().token().orElse(null));
    }
}
