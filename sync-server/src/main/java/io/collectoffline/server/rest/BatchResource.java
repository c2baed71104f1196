package io.collectoffline.server.rest;

import io.collectoffline.protocol.Batch;
import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.Problem;
import io.collectoffline.protocol.Watermark;
import io.collectoffline.server.ingest.IngestService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Device endpoints: deliver batches, and ask how far a producer's transactions are stored. */
@Path("/api/v1")
@Tag(name = "ingest", description = "What devices call")
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
    @Operation(summary = "Deliver a batch of transactions",
            description = "Stores each transaction once by txId and answers per transaction after the commit. "
                    + "ACCEPTED and DUPLICATE mean durably stored; REJECTED (with a reason) is never applied. "
                    + "Re-sending a batch is safe. The body may be gzip (Content-Encoding: gzip).")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Batch.class), examples = @ExampleObject(name = "batch",
            value = BATCH_EXAMPLE)))
    @APIResponse(responseCode = "200", description = "One result per transaction",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation =
            BatchResult.class), examples = @ExampleObject(name = "result", value = RESULT_EXAMPLE)))
    @APIResponse(responseCode = "400", description = "Not a readable batch; nothing stored",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "No valid device token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Sender is not the device, or a field device sent another "
            + "producer's transaction; nothing stored",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "Too many transactions or bytes; nothing stored",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public BatchResult receive(InputStream body,
            @Parameter(description = "gzip, or absent") @HeaderParam("Content-Encoding") String contentEncoding) {
        return ingest.receive(body, contentEncoding, caller.get());
    }

    @GET
    @Path("/producers/{producer}/watermark")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Highest contiguous seq stored for a producer",
            description = "A sender skips what is at or below it: it arrived by another route.")
    @APIResponse(responseCode = "200", description = "The watermark (0 for an unknown producer)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation =
            Watermark.class)))
    public Watermark watermark(@PathParam("producer") String producer) {
        return ingest.watermark(producer);
    }
}
