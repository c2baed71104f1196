package io.collectoffline.shipping;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.codec.ServerPublicKey;
import io.collectoffline.protocol.Batch;
import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.DownSyncPage;
import io.collectoffline.protocol.HeldQuery;
import io.collectoffline.protocol.KeyRegistration;
import io.collectoffline.protocol.TransactionEnvelope;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The server a node delivers to (a laptop's server, a site server's upstream), through the REST Client of
 * {@link ServerApi}: the one place both apps call it from. Every failure is a {@link LinkFailure}.
 */
public final class ServerHop {

    private final ServerApi api;
    private final ObjectMapper json;

    public ServerHop(URI base, String token, Duration connectTimeout, Duration readTimeout, ObjectMapper json) {
        this.api = RestHops.create(ServerApi.class, base, token, connectTimeout, readTimeout);
        this.json = json;
    }

    /** How far the server holds {@code producer}'s transactions without a gap. */
    public long watermark(String producer) {
        return RestHops.call(() -> api.watermark(producer)).seq();
    }

    /** Which of {@code txIds} of {@code producer} the server holds: delivery confirmed by identity. */
    public List<UUID> held(String producer, List<UUID> txIds) {
        return RestHops.call(() -> api.held(producer, new HeldQuery(txIds))).held();
    }

    /** The public key the server wants payloads sealed to. */
    public ServerPublicKey currentKey() {
        return RestHops.call(api::currentKey);
    }

    /** One page of this device's down-sync after {@code after}, at most {@code limit} entries. */
    public DownSyncPage downSync(long after, int limit) {
        return RestHops.call(() -> api.downSync(after, limit, io.collectoffline.codec.SealedCodec.NEWEST_VERSION));
    }

    /** One page of {@code device}'s down-sync, fetched to carry it there (this node is its middleman). */
    public DownSyncPage downSyncFor(String device, long after, int limit) {
        return RestHops.call(() -> api.downSyncFor(device, after, limit));
    }

    /** The people who may log in on this device with no network. */
    public io.collectoffline.protocol.AccountList accounts() {
        return RestHops.call(api::accounts);
    }

    /** Registers this device's own keys with the server. */
    public void register(KeyRegistration registration) {
        RestHops.call(() -> {
            api.register(registration);
            return null;
        });
    }

    /** Sends one batch, gzip-compressed; returns the server's per-transaction answer. */
    public BatchResult send(Batch batch) {
        byte[] body = RestHops.gzipJson(json, batch);
        return RestHops.call(() -> api.send("gzip", body));
    }

    /**
     * This server as the engine's link, each batch wrapped by {@code batchOf} (sender, key registrations), with up to
     * {@code inFlight} batches travelling at once ({@link Link#inFlight()}); {@code afterAnswer} runs once the server
     * has answered a batch, before the answer is recorded (fault injection in the end-to-end tests).
     */
    public Link link(Function<List<TransactionEnvelope>, Batch> batchOf, int inFlight, Runnable afterAnswer) {
        return new Link() {
            @Override
            public int inFlight() {
                return inFlight;
            }

            @Override
            public long watermark(String producer) {
                return ServerHop.this.watermark(producer);
            }

            @Override
            public List<UUID> held(String producer, List<UUID> txIds) {
                return ServerHop.this.held(producer, txIds);
            }

            @Override
            public BatchResult send(List<TransactionEnvelope> batch) {
                BatchResult result = ServerHop.this.send(batchOf.apply(batch));
                afterAnswer.run();
                return result;
            }
        };
    }
}
