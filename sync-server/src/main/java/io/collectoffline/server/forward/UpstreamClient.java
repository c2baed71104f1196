package io.collectoffline.server.forward;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.protocol.Batch;
import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.Held;
import io.collectoffline.protocol.HeldQuery;
import io.collectoffline.protocol.Watermark;
import io.collectoffline.server.config.ServerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

/** HTTP to the upstream server as this server's enrolled {@code server} device: watermarks and gzip batches. */
@ApplicationScoped
public class UpstreamClient {

    /** The upstream could not take a batch now, or refused this server; forwarding retries on its schedule. */
    public static class UpstreamUnavailableException extends RuntimeException {
        UpstreamUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final ServerConfig config;
    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    UpstreamClient(ServerConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
    }

    public Watermark watermark(String producer) {
        return exchange(request("/api/v1/producers/" + URLEncoder.encode(producer, StandardCharsets.UTF_8)
                + "/watermark").GET().build(), Watermark.class);
    }

    /** Which of {@code txIds} of {@code producer} the upstream holds (identity, not seq). */
    public Held held(String producer, List<UUID> txIds) {
        try {
            return exchange(request("/api/v1/producers/" + URLEncoder.encode(producer, StandardCharsets.UTF_8)
                    + "/held").header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(
                    json.writeValueAsBytes(new HeldQuery(txIds)))).build(), Held.class);
        } catch (IOException e) {
            throw new IllegalStateException("serialising a held query failed", e);
        }
    }

    public BatchResult send(Batch batch) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                json.writeValue(gzip, batch);
            }
            return exchange(request("/api/v1/batches").header("Content-Type", "application/json")
                    .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray()))
                    .build(), BatchResult.class);
        } catch (IOException e) {
            throw new IllegalStateException("serialising batch " + batch.batchId() + " failed", e);
        }
    }

    private HttpRequest.Builder request(String path) {
        URI base = config.upstream().url().orElseThrow(() -> new IllegalStateException("no sync.server.upstream.url"));
        String root = base.toString().replaceAll("/+$", "");
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(root + path))
                .timeout(config.upstream().requestTimeout()).header("Accept", "application/json");
        config.upstream().token().ifPresent(token -> builder.header("Authorization", "Bearer " + token));
        return builder;
    }

    private <T> T exchange(HttpRequest request, Class<T> type) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                String body = response.body() == null ? "" : response.body().replaceAll("\\s+", " ");
                throw new UpstreamUnavailableException("HTTP " + response.statusCode() + " from "
                        + request.uri().getPath() + ": " + (body.length() > 300 ? body.substring(0, 300) : body), null);
            }
            return json.readValue(response.body(), type);
        } catch (IOException e) {
            throw new UpstreamUnavailableException("upstream unreachable: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamUnavailableException("interrupted", e);
        }
    }
}
