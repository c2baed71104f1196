package io.collectoffline.server.rest;

import io.collectoffline.protocol.Inputs;
import io.collectoffline.protocol.Problem;
import io.collectoffline.server.records.ConflictReadService;
import io.collectoffline.server.records.RecordConflict;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Conflicting edits (ADR 8), for an admin. */
@Path("/api/v1/conflicts")
@Tag(name = "conflicts", description = "Conflicting edits of one record on several devices")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = OpenApiDefinition.ADMIN)
@RolesAllowed(Roles.READ)
public class ConflictResource {

    private final ConflictReadService conflicts;

    ConflictResource(ConflictReadService conflicts) {
        this.conflicts = conflicts;
    }

    @GET
    @Operation(
            summary = "Conflicting edits, newest first",
            description = "Two versions of one record made on different devices without either seeing the other. "
                    + "The record holds the kept version (higher revision; between equal revisions the greater "
                    + "transaction id); both are in the record's history.")
    @APIResponse(responseCode = "200", description = "The conflicts")
    @APIResponse(
            responseCode = "400",
            description = "Invalid filter",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public List<RecordConflict> list(
            @QueryParam("model") String model,
            @QueryParam("recordId") String recordId,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "0"))
                    @QueryParam("offset")
                    @DefaultValue("0")
                    int offset,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "1000"))
                    @QueryParam("limit")
                    @DefaultValue("100")
                    int limit) {
        return conflicts.list(model, recordId == null ? null : Inputs.uuid("recordId", recordId), offset, limit);
    }
}
