package io.collectoffline.server.forward;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.protocol.Batch;
import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.Held;
import io.collectoffline.protocol.HeldQuery;
import io.collectoffline.protocol.Watermark;
import io.collectoffline.server.config.ServerConfig;
import io.collectoffline.shipping.JsonHop;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.UUID;

/**
 * HTTP to the upstream server as this server's enrolled {@code server} device: watermarks, held txIds and gzip
 * batches. Every failure is a {@link io.collectoffline.shipping.LinkFailure}, classified once by {@link JsonHop}.
 */
@ApplicationScoped
public class UpstreamClient {

    private final ServerConfig config;
    private final JsonHop http;

    UpstreamClient(ServerConfig config, ObjectMapper json) {
        this.config = config;
        this.http = new JsonHop(json, config.upstream().connectTimeout(), config.upstream().requestTimeout());
    }

    public Watermark watermark(String producer) {
        return http.exchange(request("/api/v1/producers/" + JsonHop.segment(producer) + "/watermark").GET().build(),
                Watermark.class);
    }

    /** Which of {@code txIds} of {@code producer} the upstream holds (identity, not seq). */
    public Held held(String producer, List<UUID> txIds) {
        return http.exchange(http.postJson(request("/api/v1/producers/" + JsonHop.segment(producer) + "/held"),
                new HeldQuery(txIds)).build(), Held.class);
    }

    public BatchResult send(Batch batch) {
        return http.exchange(http.postGzipJson(request("/api/v1/batches"), batch).build(), BatchResult.class);
    }

    private HttpRequest.Builder request(String path) {
        URI base = config.upstream().url().orElseThrow(() -> new IllegalStateException("no sync.server.upstream.url"));
        return http.request(base, path, config.upstream().token().orElse(null));
    }
}
