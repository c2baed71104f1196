package io.collectoffline.client.outbox;

import io.collectoffline.client.records.InvalidRecordException;
import io.collectoffline.protocol.Problem;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Transactions the server refused: listed with the server's reason, and put back in the queue on request. */
@Path("/api/v1/outbox")
@Tag(name = "outbox")
@Produces(MediaType.APPLICATION_JSON)
public class OutboxResource {

    private final OutboxService outbox;

    OutboxResource(OutboxService outbox) {
        this.outbox = outbox;
    }

    @GET
    @Path("/rejected")
    @Operation(summary = "Transactions the server refused, oldest first, with its reasons")
    public List<RejectedTransaction> rejected(@QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > 1000) {
            throw new InvalidRecordException("Invalid query",
                    List.of(new Problem.FieldError("limit", "must be between 1 and 1000")));
        }
        return outbox.rejected(limit);
    }

    @POST
    @Path("/{txId}/retry")
    @Operation(summary = "Send a refused transaction again with the next push (after fixing the cause)")
    public RejectedTransaction retry(@PathParam("txId") String txId) {
        UUID id;
        try {
            id = UUID.fromString(txId);
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException("Invalid id", List.of(new Problem.FieldError("txId", "must be a UUID")));
        }
        return outbox.retry(id);
    }
}
