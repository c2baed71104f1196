package io.collectoffline.server.rest;

import io.collectoffline.protocol.Problem;
import io.collectoffline.server.config.ServerConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Interim protection of the device endpoints ({@code /api/v1/batches}, {@code /api/v1/producers/…}) by one shared
 * bearer token, {@code sync.server.shared-device-token}, until devices are enrolled one by one. Without a token
 * configured the endpoints are open, and start-up says so.
 */
@ApplicationScoped
public class DeviceTokenFilter {

    private final ServerConfig config;

    DeviceTokenFilter(ServerConfig config) {
        this.config = config;
    }

    void warnWhenOpen(@Observes StartupEvent event) {
        if (config.sharedDeviceToken().isEmpty()) {
            Log.warn("Device endpoints are open: set sync.server.shared-device-token to require a bearer token");
        }
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Optional<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/v1/batches") && !path.startsWith("/api/v1/producers/")) {
            return Optional.empty();
        }
        Optional<String> expected = config.sharedDeviceToken();
        if (expected.isEmpty()) {
            return Optional.empty();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String given = header != null && header.startsWith("Bearer ") ? header.substring(7).trim() : "";
        if (MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                expected.get().getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        return Optional.of(Response.status(401).type(Problem.MEDIA_TYPE)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .entity(new Problem(ProblemMapper.PREFIX + "unauthorized", "Unauthorized", 401,
                        header == null ? "A bearer token is required" : "The bearer token is not valid", path,
                        List.of())).build());
    }
}
