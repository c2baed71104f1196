package io.collectoffline.server.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.protocol.Problem;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * A request whose declared body exceeds {@code quarkus.http.limits.max-body-size} is answered with a problem+json 413
 * (invariant 7) before the HTTP layer's own limit answers it with an empty body. Bodies sent without a length
 * (chunked) still meet the HTTP layer's plain 413 beyond the limit; below it, ingest's own byte limit answers.
 */
@Singleton
public class BodyLimitProblem {

    private final ObjectMapper json;

    BodyLimitProblem(ObjectMapper json) {
        this.json = json;
    }

    void install(@Observes Router router) {
        long limit = ConfigProvider.getConfig()
                .getOptionalValue("quarkus.http.limits.max-body-size", MemorySize.class)
                .map(MemorySize::asLongValue)
                .orElse(Long.MAX_VALUE);
        router.route().order(-3).handler(ctx -> {
            String length = ctx.request().getHeader("Content-Length");
            long declared;
            try {
                declared = length == null ? -1 : Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = -1;
            }
            if (declared <= limit) {
                ctx.next();
                return;
            }
            String body;
            try {
                body = json.writeValueAsString(new Problem(
                        ProblemMapper.TOO_LARGE,
                        "Payload too large",
                        413,
                        "A request body holds at most " + limit + " bytes (quarkus.http.limits.max-body-size)",
                        ctx.request().path(),
                        List.of()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            ctx.response()
                    .setStatusCode(413)
                    .putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .putHeader("Connection", "close")
                    .end(body);
        });
    }
}
