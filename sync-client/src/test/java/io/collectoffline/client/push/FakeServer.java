package io.collectoffline.client.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.protocol.Batch;
import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.Held;
import io.collectoffline.protocol.HeldQuery;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.protocol.TransactionResult;
import io.collectoffline.protocol.TransactionStatus;
import io.collectoffline.protocol.Watermark;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * A stand-in for the server inside the laptop's test app, to drive the push through every answer a server can
 * give (the real two-process flows are in the e2e module). Programmed through its static fields by the test.
 */
@Path("/fake/api/v1")
public class FakeServer {

    static final Set<UUID> STORED = ConcurrentHashMap.newKeySet();
    static final Set<UUID> REJECT = ConcurrentHashMap.newKeySet();
    static final List<Integer> BATCH_SIZES = new CopyOnWriteArrayList<>();
    static final List<String> ENCODINGS = new CopyOnWriteArrayList<>();
    static final List<Integer> DOWNSYNC_LIMITS = new CopyOnWriteArrayList<>();
    static final List<String> DOWNSYNC_ACCEPT_ENCODINGS = new CopyOnWriteArrayList<>();
    static final AtomicInteger CONCURRENT = new AtomicInteger();
    static final AtomicInteger MAX_CONCURRENT = new AtomicInteger();
    static volatile int failWith;
    static volatile int tooLargeAbove = Integer.MAX_VALUE;
    static volatile long watermark;
    static volatile CountDownLatch hold;

    private final ObjectMapper json;

    FakeServer(ObjectMapper json) {
        this.json = json;
    }

    static void reset() {
        REJECT.clear();
        BATCH_SIZES.clear();
        ENCODINGS.clear();
        DOWNSYNC_LIMITS.clear();
        DOWNSYNC_ACCEPT_ENCODINGS.clear();
        MAX_CONCURRENT.set(0);
        failWith = 0;
        tooLargeAbove = Integer.MAX_VALUE;
        watermark = 0;
        hold = null;
    }

    @POST
    @Path("/batches")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response batches(
            @HeaderParam("Content-Encoding") String encoding,
            @HeaderParam("Authorization") String authorization,
            byte[] body)
            throws Exception {
        int now = CONCURRENT.incrementAndGet();
        MAX_CONCURRENT.accumulateAndGet(now, Math::max);
        try {
            CountDownLatch latch = hold;
            if (latch != null) {
                latch.await(30, TimeUnit.SECONDS);
            }
            if (failWith != 0) {
                return Response.status(failWith)
                        .entity("{\"title\":\"fake failure\"}")
                        .build();
            }
            if (!"Bearer test-token".equals(authorization)) {
                return Response.status(401).build();
            }
            ENCODINGS.add(String.valueOf(encoding));
            Batch batch = json.readValue(
                    "gzip".equals(encoding) ? new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes() : body,
                    Batch.class);
            if (batch.transactions().size() > tooLargeAbove) {
                return Response.status(413).entity("{\"title\":\"too large\"}").build();
            }
            BATCH_SIZES.add(batch.transactions().size());
            List<TransactionResult> results = new ArrayList<>();
            for (TransactionEnvelope tx : batch.transactions()) {
                if (REJECT.contains(tx.txId())) {
                    results.add(new TransactionResult(tx.txId(), TransactionStatus.REJECTED, "fake: unknown model"));
                } else {
                    results.add(new TransactionResult(
                            tx.txId(),
                            STORED.add(tx.txId()) ? TransactionStatus.ACCEPTED : TransactionStatus.DUPLICATE,
                            null));
                }
            }
            return Response.ok(new BatchResult(batch.batchId(), results)).build();
        } finally {
            CONCURRENT.decrementAndGet();
        }
    }

    @GET
    @Path("/keys/current")
    @Produces(MediaType.APPLICATION_JSON)
    public io.collectoffline.codec.ServerPublicKey currentKey() {
        return io.collectoffline.client.TestServerKeys.ring().current();
    }

    @GET
    @Path("/producers/{producer}/watermark")
    @Produces(MediaType.APPLICATION_JSON)
    public Response watermark(@PathParam("producer") String producer) {
        if (failWith != 0) {
            return Response.status(failWith).build();
        }
        return Response.ok(new Watermark(producer, watermark)).build();
    }

    @POST
    @Path("/producers/{producer}/held")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response held(@PathParam("producer") String producer, HeldQuery query) {
        if (failWith != 0) {
            return Response.status(failWith).build();
        }
        return Response.ok(new Held(
                        producer,
                        query.txIds().stream().filter(STORED::contains).toList()))
                .build();
    }

    @POST
    @Path("/registrations")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(byte[] registration) {
        return failWith != 0
                ? Response.status(failWith).build()
                : Response.noContent().build();
    }

    /** An empty down-sync page (nothing to receive), after refusing a page larger than {@code tooLargeAbove}. */
    @GET
    @Path("/downsync")
    @Produces(MediaType.APPLICATION_JSON)
    public Response downSync(
            @jakarta.ws.rs.QueryParam("after") long after,
            @jakarta.ws.rs.QueryParam("limit") int limit,
            @HeaderParam("Accept-Encoding") String acceptEncoding) {
        if (failWith != 0) {
            return Response.status(failWith)
                    .entity("{\"title\":\"fake failure\"}")
                    .build();
        }
        DOWNSYNC_LIMITS.add(limit);
        DOWNSYNC_ACCEPT_ENCODINGS.add(String.valueOf(acceptEncoding));
        if (limit > tooLargeAbove) {
            return Response.status(413).entity("{\"title\":\"too large\"}").build();
        }
        return Response.ok(new io.collectoffline.protocol.DownSyncPage(
                        "test", "unsited", after, after, false, after, List.of(), List.of(), null, null))
                .build();
    }
}
