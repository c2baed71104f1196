package io.collectoffline.shipping;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;

/**
 * JSON over HTTP to another node, every failure classified once into a {@link LinkFailure}: unreachable, 5xx, 429
 * and unreadable answers are UNAVAILABLE; a request that outlives its timeout is TIMEOUT (a connect timeout is
 * UNAVAILABLE: a smaller batch would not help); 401/403 AUTH_REFUSED; 413 TOO_LARGE; other 4xx REFUSED.
 */
public final class JsonHop {

    private final HttpClient http;
    private final ObjectMapper json;
    private final Duration requestTimeout;

    public JsonHop(ObjectMapper json, Duration connectTimeout, Duration requestTimeout) {
        this.json = json;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** A request to {@code base + path} with the bearer token (when not null), JSON accepted. */
    public HttpRequest.Builder request(URI base, String path, String token) {
        String root = base.toString().replaceAll("/+$", "");
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(root + path)).timeout(requestTimeout)
                .header("Accept", "application/json");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    /** {@code value} as a path segment. */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code builder} POSTing {@code value} as JSON. */
    public HttpRequest.Builder postJson(HttpRequest.Builder builder, Object value) {
        return builder.header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(value)));
    }

    /** {@code builder} POSTing {@code value} as gzip-compressed JSON (batches: field links are slow). */
    public HttpRequest.Builder postGzipJson(HttpRequest.Builder builder, Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            json.writeValue(gzip, value);
        } catch (IOException e) {
            throw new IllegalStateException("serialising a request failed", e);
        }
        return builder.header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray()));
    }

    /** {@code value} as JSON bytes. */
    public byte[] body(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("serialising a request failed", e);
        }
    }

    /** Sends {@code request} and reads a 200/201 answer as {@code type}; any other outcome is a LinkFailure. */
    public <T> T exchange(HttpRequest request, Class<T> type) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            throw new LinkFailure(LinkFailure.Kind.UNAVAILABLE, "unreachable: connect timed out", e);
        } catch (HttpTimeoutException e) {
            throw new LinkFailure(LinkFailure.Kind.TIMEOUT, "no answer from " + request.uri().getPath()
                    + " within " + requestTimeout.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new LinkFailure(LinkFailure.Kind.UNAVAILABLE, "unreachable: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LinkFailure(LinkFailure.Kind.UNAVAILABLE, "interrupted", e);
        }
        int status = response.statusCode();
        LinkFailure.Kind kind = LinkFailure.ofHttpStatus(status);
        if (kind == null) {
            try {
                return json.readValue(response.body(), type);
            } catch (IOException e) {
                throw new LinkFailure(LinkFailure.Kind.UNAVAILABLE, "unreadable answer: " + e.getMessage(), e);
            }
        }
        throw new LinkFailure(kind, "HTTP " + status + " from " + request.uri().getPath() + ": "
                + abbreviate(response.body()));
    }

    private static String abbreviate(String body) {
        String oneLine = body == null ? "" : body.replaceAll("\\s+", " ");
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "…";
    }
}
