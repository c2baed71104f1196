package io.collectoffline.client.push;

import jakarta.ws.rs.DefaultValue;
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

/** {@code POST /api/v1/push}: push now. */
@Path("/api/v1/push")
@Tag(name = "push")
public class PushResource {

    private final PushService push;

    PushResource(PushService push) {
        this.push = push;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Push the outbox now (one push at a time)",
            description = "Without wait: 202 and the push status; progress is in GET /api/v1/status. With "
                    + "wait=true: 200 and the push's report once it has ended (a running push is joined).")
    public Response push(
            @Parameter(description = "wait for the push to end") @QueryParam("wait") @DefaultValue("false")
                    boolean wait)
            throws InterruptedException {
        if (!wait) {
            push.start();
            PushStatus status = push.status();
            return Response.accepted(status).build();
        }
        try {
            PushReport report = push.pushAndWait(Duration.ofMinutes(10));
            return Response.ok(report).build();
        } catch (TimeoutException e) {
            return Response.accepted(push.status()).build();
        }
    }
}
