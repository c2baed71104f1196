package io.collectoffline.server.rest;

import io.collectoffline.server.records.RecordReadService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A model's applied records, page by page, for browsing (the pages; a whole model goes out as an export). */
@Path("/api/v1/records/{model}")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = OpenApiDefinition.ADMIN)
@Tag(name = "records")
@RolesAllowed(Roles.READ)
public class RecordListResource {

    private final RecordReadService records;

    RecordListResource(RecordReadService records) {
        this.records = records;
    }

    @GET
    @Operation(summary = "A page of the model's records (by creation time, then id) and how many there are")
    public RecordReadService.Listing list(
            @PathParam("model") String model,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "0"))
                    @QueryParam("offset")
                    @DefaultValue("0")
                    long offset,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "1000"))
                    @QueryParam("limit")
                    @DefaultValue("100")
                    int limit) {
        return records.list(model, offset, limit);
    }
}
