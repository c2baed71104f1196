package io.collectoffline.client.middleman;

import io.collectoffline.client.records.InvalidRecordException;
import io.collectoffline.protocol.Problem;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The middleman's pull from a field laptop, and its per-laptop progress. */
@Path("/api/v1/middleman")
@Tag(name = "middleman")
@Produces(MediaType.APPLICATION_JSON)
public class MiddlemanResource {

    private final MiddlemanService middleman;

    MiddlemanResource(MiddlemanService middleman) {
        this.middleman = middleman;
    }

    /**
     * Which field laptop to pull from.
     *
     * @param url          its base URL, e.g. {@code http://192.168.8.20:8081}
     * @param pairingToken its pairing token
     */
    public record PullRequest(String url, String pairingToken) {}

    @POST
    @Path("/pull")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Pull everything pending (and the specimen manifest) from a field laptop")
    public PullReport pull(PullRequest request) {
        List<Problem.FieldError> errors = new ArrayList<>();
        URI url = null;
        try {
            url = request == null || request.url() == null ? null : URI.create(request.url());
        } catch (IllegalArgumentException e) {
            url = null;
        }
        if (url == null || url.getHost() == null || !List.of("http", "https").contains(url.getScheme())) {
            errors.add(new Problem.FieldError("url", "required, an http(s) URL of a field laptop"));
        }
        if (request == null
                || request.pairingToken() == null
                || request.pairingToken().isBlank()) {
            errors.add(new Problem.FieldError("pairingToken", "required"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRecordException("Invalid pull request", errors);
        }
        return middleman.pull(url, request.pairingToken());
    }

    @GET
    @Path("/laptops")
    @Operation(summary = "Per field laptop: pulled, pushed on, acknowledged by the server")
    public List<RelaySource> laptops() {
        return middleman.sources();
    }
}
