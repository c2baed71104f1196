package io.collectoffline.server.rest;

import io.collectoffline.protocol.IncomingTransactionView;
import io.collectoffline.protocol.Inputs;
import io.collectoffline.protocol.InvalidInputException;
import io.collectoffline.protocol.Problem;
import io.collectoffline.protocol.Problem.FieldError;
import io.collectoffline.protocol.Refusal;
import io.collectoffline.protocol.ServerStatus;
import io.collectoffline.server.apply.IncomingAdminService;
import io.collectoffline.server.files.FilesOverview;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Admin endpoints: stored transactions, status, retry and skip. */
@Path("/api/v1")
@Tag(name = "admin", description = "What an administrator calls")
@Produces(MediaType.APPLICATION_JSON)
@SecurityScheme(
        securitySchemeName = OpenApiDefinition.ADMIN,
        type = SecuritySchemeType.HTTP,
        scheme = "bearer",
        description = "A person's API token (POST /api/v1/session/tokens; the first admin's comes from the CLI step "
                + "'users add-admin'). The pages use the session cookie collect_session instead. What each role may "
                + "call: README, Security model")
@SecurityRequirement(name = OpenApiDefinition.ADMIN)
@RolesAllowed(Roles.READ)
public class IncomingResource {

    private final IncomingAdminService admin;
    private final FilesOverview files;
    private final io.collectoffline.server.records.RecordReadService records;
    private final io.collectoffline.server.users.UserService users;

    IncomingResource(
            IncomingAdminService admin,
            FilesOverview files,
            io.collectoffline.server.records.RecordReadService records,
            io.collectoffline.server.users.UserService users) {
        this.admin = admin;
        this.files = files;
        this.records = records;
        this.users = users;
    }

    /**
     * Why a transaction is skipped.
     *
     * @param reason free text, at most 500 characters
     */
    public record SkipRequest(String reason) {}

    @GET
    @Path("/incoming")
    @Operation(summary = "Stored transactions by status, producer and model, ordered by producer and seq")
    @APIResponse(responseCode = "200", description = "The transactions (never their payloads)")
    @APIResponse(
            responseCode = "400",
            description = "Invalid filter",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public List<IncomingTransactionView> list(
            @QueryParam("status") String status,
            @QueryParam("producer") String producer,
            @QueryParam("model") String model,
            @Parameter(description = "only transactions of this site") @QueryParam("site") String site,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "0"))
                    @QueryParam("offset")
                    @DefaultValue("0")
                    int offset,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "1000"))
                    @QueryParam("limit")
                    @DefaultValue("100")
                    int limit) {
        return admin.list(status, producer, model, site, offset, limit);
    }

    @GET
    @Path("/incoming/{txId}")
    @Operation(summary = "One stored transaction")
    @APIResponse(
            responseCode = "404",
            description = "Not stored here",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "200",
            description = "The stored transaction (never its payload)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = IncomingTransactionView.class)))
    public IncomingTransactionView get(@PathParam("txId") String txId) {
        return admin.get(uuid(txId));
    }

    @RolesAllowed(Roles.DATA)
    @GET
    @Path("/incoming/{txId}/content")
    @Operation(
            summary = "A stored transaction opened: its fields as the device sent them (viewing it is audited)",
            description = "For deciding about a transaction that is held back (ERROR, DEFERRED, CONFLICT). Each "
                    + "viewing is recorded with who viewed it (GET /api/v1/users/audit, action view-content).")
    @APIResponse(
            responseCode = "404",
            description = "No such transaction",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public com.fasterxml.jackson.databind.JsonNode content(
            @PathParam("txId") String txId, @Context SecurityContext caller) {
        UUID id = uuid(txId);
        var content = records.content(id);
        users.recordAction(
                Caller.name(caller),
                "view-content",
                id.toString(),
                content.path("model").asText(null));
        return content;
    }

    @RolesAllowed(Roles.DATA)
    @POST
    @Path("/incoming/{txId}/retry")
    @Operation(summary = "Put a DEFERRED, ERROR or CONFLICT transaction back in line for apply")
    @APIResponse(responseCode = "200", description = "The transaction, now RECEIVED")
    @APIResponse(
            responseCode = "409",
            description = "Not DEFERRED, ERROR or CONFLICT",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public IncomingTransactionView retry(@PathParam("txId") String txId) {
        return admin.retry(uuid(txId));
    }

    @RolesAllowed(Roles.DATA)
    @POST
    @Path("/incoming/{txId}/skip")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Skip the transaction that blocks its producer (audited: who, when, why)",
            description = "It is never applied; the producer's later transactions go on. Only the head of a "
                    + "producer's queue can be skipped. Who skips is the authenticated account.")
    @APIResponse(responseCode = "200", description = "The transaction, now SKIPPED")
    @APIResponse(
            responseCode = "400",
            description = "No reason given",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "409",
            description = "Already applied or skipped, or not at the head",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public IncomingTransactionView skip(
            @PathParam("txId") String txId, @Context SecurityContext caller, SkipRequest request) {
        return admin.skip(uuid(txId), Caller.name(caller), request == null ? null : request.reason());
    }

    @RolesAllowed(Roles.DATA)
    @POST
    @Path("/incoming/missing/{producer}/{seq}/skip")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Skip a seq that is not stored and blocks its producer (audited: who, when, why)",
            description = "For a seq the server refused on arrival (see GET /api/v1/refusals and the status's "
                    + "waitingReason) or one that will never arrive (the laptop was destroyed). A SKIPPED stand-in "
                    + "records who, when and why; the producer's later transactions go on; the transaction itself, if "
                    + "it arrives later, is refused with that reason. Only the seq the producer waits for can be "
                    + "skipped. Who skips is the authenticated account.")
    @APIResponse(
            responseCode = "200",
            description = "The stand-in, SKIPPED",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = IncomingTransactionView.class)))
    @APIResponse(
            responseCode = "400",
            description = "No reason given, or not a seq",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "404",
            description = "No transaction of that producer arrived here",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "409",
            description = "Not the seq the producer waits for",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public IncomingTransactionView skipMissing(
            @PathParam("producer") String producer,
            @PathParam("seq") long seq,
            @Context SecurityContext caller,
            SkipRequest request) {
        if (seq < 1) {
            throw new InvalidInputException("Invalid seq", List.of(new FieldError("seq", "must be 1 or more")));
        }
        return admin.skipMissing(producer, seq, Caller.name(caller), request == null ? null : request.reason());
    }

    @GET
    @Path("/refusals")
    @Operation(
            summary = "Transactions refused on arrival, newest first: what, why, when, from which device",
            description = "Refused transactions are not stored (so they are not in /incoming); a refused seq "
                    + "leaves a gap its producer waits at until the cause is fixed and the device re-sends, or an "
                    + "admin skips it (POST /api/v1/incoming/missing/{producer}/{seq}/skip).")
    @APIResponse(
            responseCode = "200",
            description = "The refusals",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Refusal.class, type = SchemaType.ARRAY)))
    @APIResponse(
            responseCode = "400",
            description = "Invalid filter",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public List<Refusal> refusals(
            @QueryParam("producer") String producer,
            @QueryParam("seq") Long seq,
            @QueryParam("offset") @DefaultValue("0") int offset,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        return admin.refusals(producer, seq, offset, limit);
    }

    /**
     * How to settle a natural-key clash.
     *
     * @param action {@code keep-existing} (merge the incoming record into the one holding the natural key) or
     *               {@code reject}
     * @param reason why (kept with the transaction)
     */
    public record ResolveRequest(String action, String reason) {}

    @RolesAllowed(Roles.DATA)
    @POST
    @Path("/incoming/{txId}/resolve")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Settle a natural-key clash (a CONFLICT transaction; audited: who, when, why)",
            description = "keep-existing: the incoming record is merged into the record that holds its natural key; "
                    + "later transactions that refer to it (its own changes, its dependants' foreign keys) apply to "
                    + "the kept record. reject: the transaction is skipped; its dependants wait, DEFERRED. Either way "
                    + "nothing is overwritten and the transaction stays stored. Who decides is the "
                    + "authenticated account.")
    @APIResponse(responseCode = "200", description = "The transaction, now SKIPPED with the resolution as reason")
    @APIResponse(
            responseCode = "400",
            description = "Unknown action or no reason given",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "409",
            description = "Not a CONFLICT at the head of its producer's queue",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public IncomingTransactionView resolve(
            @PathParam("txId") String txId, @Context SecurityContext caller, ResolveRequest request) {
        return admin.resolve(
                uuid(txId),
                request == null ? null : request.action(),
                Caller.name(caller),
                request == null ? null : request.reason());
    }

    @RolesAllowed({Roles.READ, Roles.LAB})
    @GET
    @Path("/status")
    @Operation(
            summary = "Counts per status, apply lag, and per producer: stored, applied, and what holds it back",
            description = "With site: only the producers of that site (the site of each producer's latest stored "
                    + "transaction). The transfer part is always the whole server's.")
    @APIResponse(
            responseCode = "400",
            description = "Not a site id",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "200",
            description = "Counts, refusals, apply lag and per-producer progress",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ServerStatus.class)))
    public ServerStatus status(
            @Parameter(description = "only the producers of this site") @QueryParam("site") String site) {
        return admin.status(site).withTransfer(files.transfer());
    }

    static UUID uuid(String value) {
        return Inputs.uuid("id", value);
    }
}
