package io.collectoffline.client.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * JSON over HTTP to another node, with every failure classified once: unreachable, timeouts, 5xx and 429 are
 * {@link TransientPushException}; 401/403 are {@link AuthRejectedException}; other 4xx are
 * {@link BatchRefusedException}.
 */
final class JsonHttp {

    private final HttpClient http;
    private final ObjectMapper json;
    private final Duration requestTimeout;

    JsonHttp(ObjectMapper json, Duration connectTimeout, Duration requestTimeout) {
        this.json = json;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** A request to {@code base + path} with the bearer token, JSON accepted. */
    HttpRequest.Builder request(URI base, String path, String token) {
        String root = base.toString().endsWith("/") ? base.toString().substring(0, base.toString().length() - 1)
                : base.toString();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(root + path)).timeout(requestTimeout)
                .header("Accept", "application/json");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    byte[] body(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("serialising a request failed", e);
        }
    }

    <T> T exchange(HttpRequest request, Class<T> type) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TransientPushException("unreachable: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientPushException("interrupted", e);
        }
        int status = response.statusCode();
        if (status == 200 || status == 201) {
            try {
                return json.readValue(response.body(), type);
            } catch (IOException e) {
                throw new TransientPushException("unreadable answer: " + e.getMessage(), e);
            }
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

    private static String abbreviate(String body) {
        String oneLine = body == null ? "" : body.replaceAll("\\s+", " ");
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "…";
    }
}
