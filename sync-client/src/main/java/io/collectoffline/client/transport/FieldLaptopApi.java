package io.collectoffline.client.transport;

import io.collectoffline.protocol.CarriedAnswer;
import io.collectoffline.protocol.DownSyncPage;
import io.collectoffline.protocol.ItemManifest;
import io.collectoffline.protocol.OutboxAcks;
import io.collectoffline.protocol.OutboxPage;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** A field laptop's pull API as a middleman calls it (a REST Client interface, one client per field laptop). */
@Path("/api/v1/outbox")
@Produces(MediaType.APPLICATION_JSON)
public interface FieldLaptopApi {

    /** Its pending transactions after a position, at most {@code limit}. */
    @GET
    OutboxPage page(
            @QueryParam("afterProducer") String afterProducer,
            @QueryParam("afterSeq") long afterSeq,
            @QueryParam("limit") int limit);

    /** What the middleman stored, and what it refused as a taken seq. */
    @POST
    @Path("/acks")
    @Consumes(MediaType.APPLICATION_JSON)
    FieldLaptopClient.AckAnswer ack(OutboxAcks acks);

    /** Its manifest of tracked items. */
    @GET
    @Path("/manifest")
    ItemManifest manifest();

    /** Down-sync entries carried to it (two-way through a middleman); answers how far it holds its feed now. */
    @POST
    @Path("/downsync")
    @Consumes(MediaType.APPLICATION_JSON)
    CarriedAnswer carried(DownSyncPage page);

    /** The account list carried to it; answers whether it took it. */
    @POST
    @Path("/accounts")
    @Consumes(MediaType.APPLICATION_JSON)
    io.collectoffline.protocol.CarriedAccounts accounts(io.collectoffline.protocol.AccountList list);
}
