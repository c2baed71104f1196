package io.collectoffline.client.reconciliation;

import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.client.records.RecordsResource;
import io.collectoffline.protocol.ReconciliationReport;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Specimen reconciliation on a middleman: the report, and marking a tube in hand. */
@Path("/api/v1/reconciliation")
@Tag(name = "middleman")
@Produces(MediaType.APPLICATION_JSON)
public class ReconciliationResource {

    private final ReconciliationService reconciliation;
    private final ClientConfig config;

    ReconciliationResource(ReconciliationService reconciliation, ClientConfig config) {
        this.reconciliation = reconciliation;
        this.config = config;
    }

    /**
     * A tube found in hand.
     *
     * @param requisitionIdentifier the identifier scanned or typed from its label
     * @param comment               anything noticed (leaking, unlabelled, …)
     */
    public record InHand(String requisitionIdentifier, String comment) {}

    @GET
    @Operation(summary = "Requisitioned but not in hand, and in hand but not requisitioned")
    public ReconciliationReport report(@QueryParam("producer") String producer) {
        return reconciliation.report(producer);
    }

    @POST
    @Path("/receipts")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Mark a tube in hand (writes a study.specimen_receipt, stage MIDDLEMAN)")
    public Response markInHand(InHand tube, @HeaderParam(RecordsResource.USER_HEADER) String user) {
        String who = user == null || user.isBlank() ? config.records().defaultUser() : user.trim();
        return Response.status(201)
                .entity(reconciliation.markInHand(
                        tube == null ? null : tube.requisitionIdentifier(), tube == null ? null : tube.comment(), who))
                .build();
    }
}
