package io.collectoffline.server.rest;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import com.fasterxml.jackson.databind.JsonNode;
import io.collectoffline.protocol.Problem;
import io.collectoffline.server.records.RecordChange;
import io.collectoffline.server.records.RecordReadService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Applied records and their history, for admins and integrators. */
@Path("/api/v1/records/{model}/{id}")
@Tag(name = "records", description = "Applied records")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "404", description = "Unknown model or record",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@SecurityRequirement(name = OpenApiDefinition.ADMIN)
public class RecordResource {

    private final RecordReadService records;

    RecordResource(RecordReadService records) {
        this.records = records;
    }

    @GET
    @Operation(summary = "A record's current columns")
    @APIResponse(responseCode = "200", description = "The record's columns as the server holds them",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public JsonNode get(@PathParam("model") String model, @PathParam("id") String id) {
        return records.get(model, IncomingResource.uuid(id));
    }

    @GET
    @Path("/history")
    @Operation(summary = "Every applied change of the record with the client's user, time and device")
    @APIResponse(responseCode = "200", description = "Its applied transactions, in apply order",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = RecordChange.class, type = SchemaType.ARRAY)))
    public List<RecordChange> history(@PathParam("model") String model, @PathParam("id") String id) {
        return records.history(model, IncomingResource.uuid(id));
    }
}
