package io.collectoffline.client.status;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /api/v1/status}: is capture on, how much is waiting and for how long, how pushing goes. */
@Path("/api/v1/status")
@Tag(name = "status")
public class StatusResource {

    private final StatusService status;

    StatusResource(StatusService status) {
        this.status = status;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Capture, outbox and push status of this laptop")
    public LaptopStatus status() {
        return status.status();
    }
}
