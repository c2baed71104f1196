package io.collectoffline.client.pull;

import io.collectoffline.client.outbox.OutboxService;
import io.collectoffline.client.outbox.RejectedTransaction;
import io.collectoffline.client.records.InvalidRecordException;
import io.collectoffline.protocol.Inputs;
import io.collectoffline.protocol.ItemManifest;
import io.collectoffline.protocol.OutboxAcks;
import io.collectoffline.protocol.OutboxPage;
import io.collectoffline.protocol.Problem;
import io.collectoffline.protocol.ProducerId;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The outbox over HTTP: the pull API a middleman uses (pairing token; see {@link PullAccessFilter}) and, locally,
 * the transactions the server refused.
 */
@Path("/api/v1/outbox")
@Tag(name = "outbox")
@Produces(MediaType.APPLICATION_JSON)
public class OutboxResource {

    private final OutboxService outbox;
    private final PullService pull;

    OutboxResource(OutboxService outbox, PullService pull) {
        this.outbox = outbox;
        this.pull = pull;
    }

    @GET
    @Operation(
            summary = "(middleman, pairing token) This laptop's pending transactions after a position, sealed",
            description = "In (producer, seq) order across this laptop's streams: after seq afterSeq of producer "
                    + "afterProducer (default: this laptop's device id, its first stream).")
    public OutboxPage page(
            @QueryParam("afterSeq") @DefaultValue("0") long after,
            @QueryParam("limit") @DefaultValue("500") int size,
            @QueryParam("afterProducer") String afterProducer) {
        if (afterProducer != null && !ProducerId.isValid(afterProducer)) {
            throw new InvalidRecordException(
                    "Invalid query",
                    List.of(new Problem.FieldError("afterProducer", "must be " + ProducerId.DESCRIPTION)));
        }
        if (after < 0 || size < 1) {
            throw new InvalidRecordException(
                    "Invalid query",
                    List.of(new Problem.FieldError(
                            after < 0 ? "afterSeq" : "limit", after < 0 ? "must be 0 or more" : "must be 1 or more")));
        }
        return pull.page(afterProducer, after, size);
    }

    @POST
    @Path("/acks")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "(middleman, pairing token) The middleman has durably stored these transactions")
    public Map<String, Integer> acknowledge(OutboxAcks acks) {
        if (acks == null || acks.middleman() == null || acks.middleman().isBlank() || acks.txIds() == null) {
            throw new InvalidRecordException(
                    "Invalid acknowledgement",
                    List.of(
                            new Problem.FieldError("middleman", "required"),
                            new Problem.FieldError("txIds", "required")));
        }
        return Map.of("acknowledged", pull.acknowledge(acks));
    }

    @GET
    @Path("/manifest")
    @Operation(summary = "(middleman, pairing token) Drawn specimens to reconcile, without participant data")
    public ItemManifest manifest() {
        return pull.manifest();
    }

    @GET
    @Path("/rejected")
    @Operation(summary = "Transactions the server refused, oldest first, with its reasons")
    public List<RejectedTransaction> rejected(@QueryParam("limit") @DefaultValue("100") int limit) {
        return outbox.rejected(limit);
    }

    @POST
    @Path("/{txId}/retry")
    @Operation(summary = "Send a refused transaction again with the next push (after fixing the cause)")
    public RejectedTransaction retry(@PathParam("txId") String txId) {
        return outbox.retry(Inputs.uuid("txId", txId));
    }
}
