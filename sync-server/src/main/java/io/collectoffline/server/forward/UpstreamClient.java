package io.collectoffline.server.forward;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.protocol.Batch;
import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.Held;
import io.collectoffline.protocol.HeldQuery;
import io.collectoffline.protocol.Watermark;
import io.collectoffline.server.config.ServerConfig;
import io.collectoffline.shipping.RestHops;
import io.collectoffline.shipping.ServerApi;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.List;
import java.util.UUID;

/**
 * The upstream server, as this server's enrolled {@code server} device, through the REST Client of
 * {@link ServerApi}: watermarks, held txIds and gzip batches. Every failure is a
 * {@link io.collectoffline.shipping.LinkFailure}.
 */
@ApplicationScoped
public class UpstreamClient {

    private final ServerConfig config;
    private final ObjectMapper json;
    private volatile ServerApi api;

    UpstreamClient(ServerConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
    }

    public Watermark watermark(String producer) {
        return RestHops.call(() -> api().watermark(producer));
    }

    /** Which of {@code txIds} of {@code producer} the upstream holds (identity, not seq). */
    public Held held(String producer, List<UUID> txIds) {
        return RestHops.call(() -> api().held(producer, new HeldQuery(txIds)));
    }

    public BatchResult send(Batch batch) {
        byte[] body = RestHops.gzipJson(json, batch);
        return RestHops.call(() -> api().send("gzip", body));
    }

    private ServerApi api() {
        ServerApi known = api;
        if (known == null) {
            URI base = config.upstream().url().orElseThrow(() -> new IllegalStateException(
                    "no sync.server.upstream.url"));
            known = RestHops.create(ServerApi.class, base, config.upstream().token().orElse(null),
                    config.upstream().connectTimeout(), config.upstream().requestTimeout());
            api = known;
        }
        return known;
    }
}
