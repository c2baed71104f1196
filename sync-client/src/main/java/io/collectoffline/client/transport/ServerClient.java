package io.collectoffline.client.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.codec.ServerPublicKey;
import io.collectoffline.protocol.Batch;
import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.Watermark;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * HTTP to the server: the watermark and batch delivery. Classifies every failure into transient (try later),
 * auth (stop) or batch refused, so that the push decides about retries in one place.
 */
@ApplicationScoped
public class ServerClient {

    private final ClientConfig config;
    private final ObjectMapper json;
    private final HttpClient http;

    ServerClient(ClientConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(config.server().connectTimeout())
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /** The configured server, if any. */
    public Optional<URI> server() {
        return config.server().url();
    }

    /** How far the server holds {@code producer}'s transactions without a gap. */
    public Watermark watermark(String producer) {
        HttpRequest request = request("/api/v1/producers/" + URLEncoder.encode(producer, StandardCharsets.UTF_8)
                + "/watermark").GET().build();
        return json(exchange(request), Watermark.class);
    }

    /** The public key the server wants payloads sealed to. */
    public ServerPublicKey currentKey() {
        return json(exchange(request("/api/v1/keys/current").GET().build()), ServerPublicKey.class);
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
        HttpRequest request = request("/api/v1/batches").header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return json(exchange(request), BatchResult.class);
    }

    private HttpRequest.Builder request(String path) {
        URI base = config.server().url().orElseThrow(() -> new IllegalStateException("no sync.client.server.url"));
        String root = base.toString().endsWith("/") ? base.toString().substring(0, base.toString().length() - 1)
                : base.toString();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(root + path))
                .timeout(config.server().requestTimeout()).header("Accept", "application/json");
        config.server().token().ifPresent(token -> builder.header("Authorization", "Bearer " + token));
        return builder;
    }

    private String exchange(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TransientPushException("server unreachable: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientPushException("interrupted", e);
        }
        int status = response.statusCode();
        if (status == 200) {
            return response.body();
        }
        String detail = "HTTP " + status + " from " + request.uri().getPath() + ": " + abbreviate(response.body());
        if (status == 401 || status == 403) {
            throw new AuthRejectedException(detail);
        }
        if (status == 429 || status >= 500) {
            throw new TransientPushException(detail, null);
        }
        throw new BatchRefusedException(detail, status == 413);
    }

    private <T> T json(String body, Class<T> type) {
        try {
            return json.readValue(body, type);
        } catch (IOException e) {
            throw new TransientPushException("unreadable answer from the server: " + e.getMessage(), e);
        }
    }

    private static String abbreviate(String body) {
        String oneLine = body == null ? "" : body.replaceAll("\\s+", " ");
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "…";
    }
}
