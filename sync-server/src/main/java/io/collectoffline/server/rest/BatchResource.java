package io.collectoffline.server.rest;

import io.collectoffline.protocol.Batch;
import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.Held;
import io.collectoffline.protocol.HeldQuery;
import io.collectoffline.protocol.InvalidInputException;
import io.collectoffline.protocol.KeyRegistration;
import io.collectoffline.protocol.Problem;
import io.collectoffline.protocol.Problem.FieldError;
import io.collectoffline.protocol.ProducerId;
import io.collectoffline.protocol.Watermark;
import io.collectoffline.server.ingest.IngestService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Device endpoints: deliver batches, and ask how far a producer's transactions are stored. */
@Path("/api/v1")
@Tag(name = "ingest", description = "What devices call")
@SecurityScheme(
        securitySchemeName = OpenApiDefinition.DEVICE,
        type = SecuritySchemeType.HTTP,
        scheme = "bearer",
        description = "A device's token, shown once when it was enrolled")
@SecurityRequirement(name = OpenApiDefinition.DEVICE)
@RolesAllowed(Roles.DEVICE)
public class BatchResource {

    private static final String BATCH_EXAMPLE = """
            {"batchId": "6f1c2a52-8a60-4c2e-9b7e-0d3f2b1a9e11", "sender": "laptop-7f3a91c2",
             "transactions": [{"txId": "0b6e3f0e-5d1c-4a53-a2f4-7a1e6f0c9d21", "producer": "laptop-7f3a91c2",
               "seq": 1, "model": "study.household", "recordId": "9a4c1f7e-2b3d-4e5f-8a9b-0c1d2e3f4a5b",
               "action": "INSERT", "capturedAt": "2026-11-27T09:15:00Z", "keyId": "plain-json",
               "payload": "eyJtb2RlbCI6InN0dWR5LmhvdXNlaG9sZCIsLi4ufQ=="}]}""";
    private static final String RESULT_EXAMPLE = """
            {"batchId": "6f1c2a52-8a60-4c2e-9b7e-0d3f2b1a9e11",
             "results": [{"txId": "0b6e3f0e-5d1c-4a53-a2f4-7a1e6f0c9d21", "status": "ACCEPTED"}]}""";

    private final IngestService ingest;
    private final CallerDevice caller;

    BatchResource(IngestService ingest, CallerDevice caller) {
        this.ingest = ingest;
        this.caller = caller;
    }

    @POST
    @Path("/batches")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @io.quarkus.vertx.http.Compressed // one result per transaction: gzip when the sender accepts it
    @Operation(
            summary = "Deliver a batch of transactions",
            description = "Stores each transaction once by txId and answers per transaction after the commit. "
                    + "ACCEPTED and DUPLICATE mean durably stored; REJECTED (with a reason) is neither stored nor "
                    + "applied and is listed at GET /api/v1/refusals. Re-sending a batch is safe. The body may be "
                    + "gzip (Content-Encoding: gzip). Whole batch or one transaction: a batch that cannot be read "
                    + "or taken as a whole (not JSON, a key given twice, no batchId or sender, a transaction "
                    + "without a readable txId, too large, wrong credentials or sender) gets a 4xx problem and "
                    + "nothing is stored; within a readable batch each transaction is judged alone and a bad one is "
                    + "REJECTED (unknown model, malformed field, unopenable or oversized payload, NUL character, "
                    + "capturedAt outside 1970-2199, a txId twice in the batch with other content, a seq its "
                    + "producer used for another transaction: type urn:collect-offline:problem:seq-taken).")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Batch.class),
                            examples = @ExampleObject(name = "batch", value = BATCH_EXAMPLE)))
    @APIResponse(
            responseCode = "200",
            description = "One result per transaction",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = BatchResult.class),
                            examples = @ExampleObject(name = "result", value = RESULT_EXAMPLE)))
    @APIResponse(
            responseCode = "400",
            description = "Not a readable batch; nothing stored",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "401",
            description = "No valid device token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "403",
            description = "Sender is not the device, or a field device sent another "
                    + "producer's transaction; nothing stored",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "413",
            description = "Too many transactions or bytes; nothing stored",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public BatchResult receive(
            InputStream body,
            @Parameter(description = "gzip, or absent") @HeaderParam("Content-Encoding") String contentEncoding) {
        return ingest.receive(body, contentEncoding, caller.get());
    }

    @GET
    @Path("/producers/{producer}/watermark")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Highest contiguous seq stored for a producer",
            description = "Tells a sender which of its pending transactions may have arrived by another route; it "
                    + "then confirms them by txId (POST …/held) — never by seq alone, since a restored or cloned "
                    + "laptop may reuse a seq this server holds with another transaction.")
    @APIResponse(
            responseCode = "200",
            description = "The watermark (0 for an unknown producer)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Watermark.class)))
    public Watermark watermark(@PathParam("producer") String producer) {
        return ingest.watermark(producer);
    }

    @POST
    @Path("/producers/{producer}/held")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @io.quarkus.vertx.http.Compressed
    @Operation(
            summary = "Which of these transactions of a producer are stored here",
            description = "Confirms delivery by identity: answers the asked txIds stored as transactions of the "
                    + "producer (or re-issued from it on a new stream). A sender marks delivered only what this "
                    + "names. At most " + HeldQuery.MAX + " txIds per call.")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = HeldQuery.class)))
    @APIResponse(
            responseCode = "200",
            description = "The asked txIds that are stored",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Held.class)))
    @APIResponse(
            responseCode = "400",
            description = "Not a producer id, or no list of at most 1000 txIds",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "401",
            description = "No valid device token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Held held(@PathParam("producer") String producer, HeldQuery query) {
        List<FieldError> errors = new ArrayList<>();
        if (!ProducerId.isValid(producer)) {
            errors.add(new FieldError("producer", "must be " + ProducerId.DESCRIPTION));
        }
        if (query == null
                || query.txIds() == null
                || query.txIds().size() > HeldQuery.MAX
                || query.txIds().contains(null)) {
            errors.add(new FieldError("txIds", "required, a list of at most " + HeldQuery.MAX + " UUIDs"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException("The question cannot be answered as asked", errors);
        }
        return ingest.held(producer, query.txIds());
    }

    @POST
    @Path("/registrations")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Register the calling device's own keys",
            description = "The signing and sealing keys a device otherwise registers with its batches, for a device "
                    + "with nothing to send (a new laptop before its first down-sync). The proof must verify with "
                    + "the caller's token; registering again is harmless, and a sealing key once registered stays.")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = KeyRegistration.class)))
    @APIResponse(responseCode = "204", description = "Registered (or registered before)")
    @APIResponse(
            responseCode = "400",
            description = "Malformed, or a proof that does not verify",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "403",
            description = "Another device's keys",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public void register(KeyRegistration registration) {
        ingest.registerKeys(caller.get(), registration);
    }
}
