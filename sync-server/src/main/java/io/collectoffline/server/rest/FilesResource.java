package io.collectoffline.server.rest;

import io.collectoffline.protocol.Problem;
import io.collectoffline.server.files.ExportService;
import io.collectoffline.server.files.FilesOverview;
import io.collectoffline.server.files.ImportService;
import io.collectoffline.server.files.Uploads;
import io.collectoffline.server.forward.ForwardService;
import io.collectoffline.server.store.ForwardQueue;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Forwarding and files between servers (admin). */
@Path("/api/v1")
@Tag(name = "files", description = "Site server to central server")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = OpenApiDefinition.ADMIN)
@RolesAllowed(Roles.DATA)
public class FilesResource {

    private final ExportService exports;
    private final Uploads uploads;
    private final FilesOverview overview;
    private final ForwardService forward;
    private final ForwardQueue queue;

    FilesResource(
            ExportService exports,
            Uploads uploads,
            FilesOverview overview,
            ForwardService forward,
            ForwardQueue queue) {
        this.queue = queue;
        this.exports = exports;
        this.uploads = uploads;
        this.overview = overview;
        this.forward = forward;
    }

    @POST
    @Path("/files/export")
    @Operation(
            summary = "Write an export file of what has not been forwarded yet into files/outgoing/",
            description = "includeUnconfirmed=true also re-exports transactions of exports whose receipt never "
                    + "came back (a lost USB stick). Nothing is marked delivered until the receipt.")
    public ExportService.ExportReport export(
            @QueryParam("includeUnconfirmed") @DefaultValue("false") boolean includeUnconfirmed) {
        return exports.export(includeUnconfirmed);
    }

    @POST
    @Path("/files")
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(
            summary = "Import an export file (same path as REST ingest); answers the import and its receipt",
            description = "Header X-File-Name names the file. A truncated or corrupt file is quarantined, not used.")
    @APIResponse(
            responseCode = "400",
            description = "Unusable file (quarantined with the reason)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "200",
            description = "What the import stored, with the receipt written",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ImportService.ImportReport.class)))
    public ImportService.ImportReport importFile(InputStream body, @HeaderParam("X-File-Name") String name)
            throws IOException {
        return uploads.importFile(body, name);
    }

    @POST
    @Path("/files/receipts")
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "Take the importer's receipt for one of this server's exports")
    public ExportService.ReceiptReport receipt(InputStream body, @HeaderParam("X-File-Name") String name)
            throws IOException {
        return uploads.takeReceipt(body, name);
    }

    @RolesAllowed(Roles.READ)
    @GET
    @Path("/files")
    @Operation(summary = "Exports and receipts, imports, quarantined files, missing previous batches")
    public Map<String, Object> files() {
        return overview.all();
    }

    @POST
    @Path("/forward")
    @Operation(summary = "Forward to the upstream server by REST now")
    public ForwardService.ForwardReport forward() {
        return forward.forward();
    }

    @RolesAllowed(Roles.READ)
    @GET
    @Path("/forward/refused")
    @Operation(
            summary = "The transactions the upstream server refused, with its reasons, oldest refusal first",
            description = "Refused by REST or in a file's receipt. Each is sent again by itself after "
                    + "sync.server.upstream.resend-rejected-after (6 h), or at once with POST /forward/refused/retry.")
    public List<ForwardQueue.Refused> refused(@QueryParam("limit") @DefaultValue("100") int limit) {
        return queue.refused(limit);
    }

    /**
     * What {@code POST /forward/refused/retry} did.
     *
     * @param requeued transactions made pending again: the next forwarding pass or export sends them
     */
    public record Retried(int requeued) {}

    @POST
    @Path("/forward/refused/retry")
    @Operation(
            summary = "Send every transaction the upstream refused again, now",
            description = "After the cause was fixed on the upstream server (a limit raised, an upgrade, its keys "
                    + "restored). The next forwarding pass (or export file) carries them; what is still refused "
                    + "comes back with its reason.")
    public Retried retryRefused() {
        return new Retried(queue.requeueEveryRefused());
    }
}
