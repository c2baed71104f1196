package io.collectoffline.shipping;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpClientOptions;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ContextResolver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;
import org.eclipse.microprofile.rest.client.RestClientBuilder;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/**
 * REST Client interfaces to other nodes, built for a base URL and a bearer token, with every failure classified
 * once into a {@link LinkFailure}: an HTTP error by its status ({@link LinkFailure#ofHttpStatus}); no connection, a
 * connect timeout or a broken one UNAVAILABLE; a request that outlives the read timeout TIMEOUT (a smaller batch may
 * pass).
 */
public final class RestHops {

    private RestHops() {}

    /** A client of {@code api} at {@code base}, sending {@code token} (null: none) as bearer. */
    public static <T> T create(Class<T> api, URI base, String token, Duration connectTimeout, Duration readTimeout) {
        RestClientBuilder builder = RestClientBuilder.newBuilder()
                .baseUri(base)
                .connectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .register(new StatusMapper())
                .register(new AbortingConnections());
        if (token != null) {
            builder.register(new Bearer(token));
        }
        return builder.build(api);
    }

    /**
     * Connections that a timeout aborts (TCP reset, {@code SO_LINGER 0}) instead of closing gracefully: on a slow
     * field link a timed-out batch would otherwise go on being sent from the kernel's buffer, competing with the next
     * attempt and arriving whole after the laptop gave it up — so the next, smaller batch timed out too, and the
     * server received everything twice. Reset, the next hop stores nothing of the batch and the link is free at once.
     * The REST Client takes these options as the base of its own (timeouts, compression, TLS are still applied).
     */
    static final class AbortingConnections implements ContextResolver<HttpClientOptions> {
        @Override
        public HttpClientOptions getContext(Class<?> type) {
            return type == HttpClientOptions.class ? new HttpClientOptions().setSoLinger(0) : null;
        }
    }

    /** Runs one call of a client made by {@link #create}, turning a transport failure into a LinkFailure. */
    public static <T> T call(Supplier<T> request) {
        try {
            return request.get();
        } catch (ProcessingException e) {
            throw classify(e);
        } catch (WebApplicationException e) {
            // statuses >= 400 are LinkFailures already (the response mapper); what is left is an answer whose body
            // could not be read as what it should be: the next hop answered, with something unusable
            if (e.getCause() instanceof LinkFailure failure) {
                throw failure;
            }
            throw new LinkFailure(
                    LinkFailure.Kind.REFUSED,
                    "the next hop's answer (HTTP "
                            + (e.getResponse() == null ? "?" : e.getResponse().getStatus()) + ") could not be read: "
                            + e.getMessage(),
                    e);
        }
    }

    /** {@code value} as gzip-compressed JSON. */
    public static byte[] gzipJson(ObjectMapper json, Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            json.writeValue(gzip, value);
        } catch (IOException e) {
            throw new IllegalStateException("serialising a request failed", e);
        }
        return out.toByteArray();
    }

    static LinkFailure classify(ProcessingException e) {
        if (e.getCause() instanceof LinkFailure failure) {
            return failure;
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            String name = cause.getClass().getSimpleName();
            if (name.contains("ConnectTimeout")) {
                return new LinkFailure(LinkFailure.Kind.UNAVAILABLE, "unreachable: connect timed out", e);
            }
            if (name.contains("Timeout")) {
                return new LinkFailure(LinkFailure.Kind.TIMEOUT, "no answer within the read timeout", e);
            }
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return new LinkFailure(
                LinkFailure.Kind.UNAVAILABLE,
                "unreachable: " + root.getClass().getSimpleName()
                        + (root.getMessage() == null ? "" : " " + root.getMessage()),
                e);
    }

    /** Every HTTP error answer as a LinkFailure of the kind its status says. */
    static final class StatusMapper implements ResponseExceptionMapper<LinkFailure> {

        @Override
        public LinkFailure toThrowable(Response response) {
            String body;
            try {
                body = response.hasEntity() ? response.readEntity(String.class) : "";
            } catch (RuntimeException unreadable) {
                body = "";
            }
            String oneLine = body == null ? "" : body.replaceAll("\\s+", " ");
            return new LinkFailure(
                    LinkFailure.ofHttpStatus(response.getStatus()),
                    "HTTP " + response.getStatus() + ": "
                            + (oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "…"));
        }

        /**
         * Answers with a status only: the REST Client also offers a transport failure (refused, timed out) as a
         * "status 0" response, which must stay the transport's exception for {@link RestHops#call} to classify.
         */
        @Override
        public boolean handles(int status, MultivaluedMap<String, Object> headers) {
            return status >= 100 && LinkFailure.ofHttpStatus(status) != null;
        }

        @Override
        public int getPriority() {
            return 1; // before the REST Client's default mapper
        }
    }

    /** Sends the node's token. */
    static final class Bearer implements ClientRequestFilter {

        private final String token;

        Bearer(String token) {
            this.token = token;
        }

        @Override
        public void filter(ClientRequestContext request) {
            request.getHeaders().putSingle("Authorization", "Bearer " + token);
        }
    }
}
