package io.collectoffline.client.downsync;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /api/v1/downsync}: receive what the server sends this laptop now, and where that stands. */
@Path("/api/v1/downsync")
@Tag(name = "downsync", description = "Receiving records from the server (two-way)")
@Produces(MediaType.APPLICATION_JSON)
public class DownSyncResource {

    private final DownSyncService downsync;

    DownSyncResource(DownSyncService downsync) {
        this.downsync = downsync;
    }

    @POST
    @Operation(
            summary = "Receive now (one down-sync at a time)",
            description = "Without wait: 202 and the down-sync's status; progress is in GET /api/v1/downsync. With "
                    + "wait=true: 200 and the report once it has ended (a running down-sync is joined).")
    public Response receive(
            @Parameter(description = "wait for the down-sync to end") @QueryParam("wait") @DefaultValue("false")
                    boolean wait)
            throws InterruptedException {
        if (!wait) {
            downsync.start();
            return Response.accepted(downsync.status()).build();
        }
        try {
            return Response.ok(downsync.receiveAndWait(Duration.ofMinutes(10))).build();
        } catch (TimeoutException e) {
            return Response.accepted(downsync.status()).build();
        }
    }

    @GET
    @Operation(summary = "Where the down-sync stands: checkpoint, behind by, last down-sync, received records")
    public DownSyncStatus status() {
        return downsync.status();
    }
}
