package io.collectoffline.client.pull;

import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.protocol.Problem;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Who may reach the laptop. The pull API ({@code GET /api/v1/outbox}, {@code /acks}, {@code /manifest}, and the
 * down-sync and account list a middleman carries, {@code POST /api/v1/outbox/downsync} and {@code /accounts})
 * needs the pairing token of a field laptop that serves pulls, from wherever it comes. Everything else (data entry,
 * status, push) answers only to this machine: a field laptop bound to its network interface for a middleman exposes
 * nothing but the pull API to it.
 */
@ApplicationScoped
public class PullAccessFilter {

    private final ClientConfig config;

    PullAccessFilter(ClientConfig config) {
        this.config = config;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Optional<Response> check(ContainerRequestContext request, HttpServerRequest http) {
        String path = request.getUriInfo().getPath();
        if (isPull(request.getMethod(), path)) {
            Optional<String> expected = config.pull().pairingToken();
            if (expected.isEmpty() || config.role() != ClientConfig.Role.field) {
                return problem(
                        403,
                        "pull-disabled",
                        "This laptop serves no pulls (sync.client.pull.pairing-token is "
                                + "not set, or it is not a field laptop)",
                        path);
            }
            String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
            String given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                    ? header.substring(7).trim()
                    : "";
            if (!MessageDigest.isEqual(
                    given.getBytes(StandardCharsets.UTF_8), expected.get().getBytes(StandardCharsets.UTF_8))) {
                return problem(401, "unauthorized", "The pairing token is missing or wrong", path);
            }
            return Optional.empty();
        }
        if (!isLoopback(
                http.remoteAddress() == null ? null : http.remoteAddress().host())) {
            return problem(403, "local-only", "Only the pull API is reachable from other machines", path);
        }
        return Optional.empty();
    }

    static boolean isPull(String method, String path) {
        return ("GET".equals(method) && (path.equals("/api/v1/outbox") || path.equals("/api/v1/outbox/manifest")))
                || ("POST".equals(method)
                        && (path.equals("/api/v1/outbox/acks")
                                || path.equals("/api/v1/outbox/downsync")
                                || path.equals("/api/v1/outbox/accounts")));
    }

    private static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static Optional<Response> problem(int status, String type, String detail, String path) {
        Response.ResponseBuilder response = Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem(
                        Problem.TYPE_PREFIX + type,
                        status == 401 ? "Unauthorized" : "Forbidden",
                        status,
                        detail,
                        path,
                        List.of()));
        if (status == 401) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return Optional.of(response.build());
    }
}
