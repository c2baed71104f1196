package io.collectoffline.server.rest;

import io.collectoffline.protocol.Problem;
import io.collectoffline.server.config.ServerConfig;
import io.collectoffline.server.devices.Device;
import io.collectoffline.server.devices.DeviceService;
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
 * Who may call what (DESIGN §7). Device endpoints ({@code /api/v1/batches}, {@code /api/v1/producers/…},
 * {@code /api/v1/keys/current}) need an enrolled, unrevoked device's bearer token; every other {@code /api/…}
 * endpoint is administration and needs the admin token from {@code sync.server.admin-token}, which has no default:
 * without it, administration is closed. {@code /q/…} (health, OpenAPI) is open; nginx exposes only health.
 */
@ApplicationScoped
public class AuthFilter {

    static final String UNAUTHORIZED = Problem.TYPE_PREFIX + "unauthorized";

    private final ServerConfig config;
    private final DeviceService devices;
    private final CallerDevice caller;

    AuthFilter(ServerConfig config, DeviceService devices, CallerDevice caller) {
        this.config = config;
        this.devices = devices;
        this.caller = caller;
    }

    void warnWhenClosed(@Observes StartupEvent event) {
        if (config.adminToken().isEmpty()) {
            Log.warn("Administration is closed: set sync.server.admin-token (env SYNC_SERVER_ADMIN_TOKEN) to enrol "
                    + "devices and see the status");
        }
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Optional<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/")) {
            return Optional.empty();
        }
        String token = bearer(request);
        if (isDevicePath(path)) {
            Optional<Device> device = devices.authenticate(token);
            if (device.isEmpty()) {
                return refuse(path, token == null ? "A device's bearer token is required"
                        : "The device token is not valid (unknown or revoked)");
            }
            caller.set(device.get());
            return Optional.empty();
        }
        Optional<String> admin = config.adminToken();
        if (admin.isEmpty()) {
            return refuse(path, "Administration is not configured on this server (sync.server.admin-token)");
        }
        if (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                admin.get().getBytes(StandardCharsets.UTF_8))) {
            return refuse(path, token == null ? "The admin bearer token is required" : "The admin token is not valid");
        }
        return Optional.empty();
    }

    private static boolean isDevicePath(String path) {
        return path.equals("/api/v1/batches") || path.startsWith("/api/v1/producers/")
                || path.equals("/api/v1/keys/current");
    }

    private static String bearer(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    private static Optional<Response> refuse(String path, String detail) {
        return Optional.of(Response.status(401).type(Problem.MEDIA_TYPE).header(HttpHeaders.WWW_AUTHENTICATE,
                "Bearer").entity(new Problem(UNAUTHORIZED, "Unauthorized", 401, detail, path, List.of())).build());
    }
}
