package io.collectoffline.client.outbox;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /api/v1/status}: is capture on, how much is waiting, for how long. */
@Path("/api/v1/status")
@Tag(name = "status")
public class StatusResource {

    private final OutboxService outbox;

    StatusResource(OutboxService outbox) {
        this.outbox = outbox;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Capture and outbox status of this laptop")
    public OutboxStatus status() {
        return outbox.status();
    }
}
