package io.collectoffline.server.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.collectoffline.protocol.Problem;
import io.collectoffline.server.records.RecordChange;
import io.collectoffline.server.records.RecordReadService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Applied records and their history, for admins and integrators. */
@Path("/api/v1/records/{model}/{id}")
@Tag(name = "records", description = "Applied records")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(
        responseCode = "404",
        description = "Unknown model or record",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@SecurityRequirement(name = OpenApiDefinition.ADMIN)
@RolesAllowed(Roles.READ)
public class RecordResource {

    /** Most changes of a record's history in one answer; X-Next-Offset says where the rest starts. */
    private static final int MAX_HISTORY = 10_000;

    private final RecordReadService records;

    RecordResource(RecordReadService records) {
        this.records = records;
    }

    @GET
    @Operation(summary = "A record's current columns")
    @APIResponse(
            responseCode = "200",
            description = "The record's columns as the server holds them",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public JsonNode get(@PathParam("model") String model, @PathParam("id") String id) {
        return records.get(model, IncomingResource.uuid(id));
    }

    @GET
    @Path("/history")
    @Operation(
            summary = "Every applied change of the record with the client's user, time and device",
            description = "In pages of at most `limit` (default and most 10000) from `offset`; when more follow, "
                    + "the header X-Next-Offset says where the next page starts.")
    @APIResponse(
            responseCode = "200",
            description = "Its applied transactions, in apply order",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = RecordChange.class, type = SchemaType.ARRAY)))
    public Response history(
            @PathParam("model") String model,
            @PathParam("id") String id,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "0"))
                    @QueryParam("offset")
                    @DefaultValue("0")
                    long offset,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "10000"))
                    @QueryParam("limit")
                    @DefaultValue("10000")
                    int limit) {
        int size = Math.max(1, Math.min(MAX_HISTORY, limit));
        List<RecordChange> page = records.history(model, IncomingResource.uuid(id), offset, size + 1);
        Response.ResponseBuilder answer = Response.ok(page.size() > size ? page.subList(0, size) : page);
        if (page.size() > size) {
            answer.header("X-Next-Offset", offset + size);
        }
        return answer.build();
    }
}
