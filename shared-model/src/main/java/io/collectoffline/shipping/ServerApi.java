package io.collectoffline.shipping;

import io.collectoffline.codec.ServerPublicKey;
import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.DownSyncPage;
import io.collectoffline.protocol.Held;
import io.collectoffline.protocol.HeldQuery;
import io.collectoffline.protocol.KeyRegistration;
import io.collectoffline.protocol.Watermark;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * What a laptop or a site server calls on the server it delivers to, as a REST Client interface (built for a base
 * URL and token by {@link RestHops#create}). Every failure is a {@link LinkFailure}.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public interface ServerApi {

    /** How far the server holds {@code producer}'s transactions without a gap. */
    @GET
    @Path("/producers/{producer}/watermark")
    Watermark watermark(@PathParam("producer") String producer);

    /** Which of the txIds of {@code producer} the server holds: delivery confirmed by identity. */
    @POST
    @Path("/producers/{producer}/held")
    @Consumes(MediaType.APPLICATION_JSON)
    Held held(@PathParam("producer") String producer, HeldQuery query);

    /** The public key the server wants payloads sealed to. */
    @GET
    @Path("/keys/current")
    ServerPublicKey currentKey();

    /** One batch, as JSON compressed with {@code contentEncoding} (gzip: field links are slow). */
    @POST
    @Path("/batches")
    @Consumes(MediaType.APPLICATION_JSON)
    BatchResult send(@HeaderParam("Content-Encoding") String contentEncoding, byte[] body);

    /**
     * One page of this device's down-sync after {@code after} (two-way, ADR 14), its payloads sealed in the newest
     * version {@code payloads} this app reads (ADR 15).
     */
    @GET
    @Path("/downsync")
    DownSyncPage downSync(
            @QueryParam("after") long after, @QueryParam("limit") int limit, @QueryParam("payloads") int payloads);

    /** One page of a field laptop's down-sync, fetched by its middleman to carry it there. */
    @GET
    @Path("/downsync")
    DownSyncPage downSyncFor(
            @QueryParam("for") String device, @QueryParam("after") long after, @QueryParam("limit") int limit);

    /** The people who may log in on this laptop (offline login): every enabled research assistant, signed. */
    @GET
    @Path("/accounts")
    io.collectoffline.protocol.AccountList accounts();

    /** Registers this device's own keys (its sealing key before a first down-sync). */
    @POST
    @Path("/registrations")
    @Consumes(MediaType.APPLICATION_JSON)
    void register(KeyRegistration registration);
}
