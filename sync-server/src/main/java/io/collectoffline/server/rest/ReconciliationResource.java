package io.collectoffline.server.rest;

import io.collectoffline.protocol.Problem;
import io.collectoffline.protocol.ReconciliationReport;
import io.collectoffline.server.reconciliation.LabReconciliationService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The lab's specimen reconciliation (admin). */
@Path("/api/v1/reconciliation")
@Tag(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = OpenApiDefinition.ADMIN)
@RolesAllowed({Roles.LAB, Roles.READ})
public class ReconciliationResource {

    private final LabReconciliationService lab;

    ReconciliationResource(LabReconciliationService lab) {
        this.lab = lab;
    }

    /**
     * A tube found in hand at the lab.
     *
     * @param requisitionIdentifier the identifier on its label
     * @param comment               anything noticed
     */
    public record InHand(String requisitionIdentifier, String comment) {}

    @GET
    @Operation(
            summary = "Received requisitions not in hand at the lab, and tubes in hand never requisitioned",
            description = "With site: the requisitions created at that site and the tubes in hand they name.")
    @APIResponse(
            responseCode = "400",
            description = "Not a site id",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "200",
            description = "Requisitioned against in hand at the lab",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ReconciliationReport.class)))
    public ReconciliationReport report(
            @Parameter(description = "only this site's requisitions") @QueryParam("site") String site) {
        return lab.report(site);
    }

    @RolesAllowed(Roles.LAB)
    @POST
    @Path("/receipts")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Mark a tube in hand at the lab (the authenticated account is recorded as who)")
    public Response markInHand(InHand tube, @Context SecurityContext caller) {
        return Response.status(201)
                .entity(Map.of(
                        "id",
                        lab.markInHand(
                                        tube == null ? null : tube.requisitionIdentifier(),
                                        tube == null ? null : tube.comment(),
                                        Caller.name(caller))
                                .toString()))
                .build();
    }
}
