package io.collectoffline.client.transport;

import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.protocol.CarriedAnswer;
import io.collectoffline.protocol.DownSyncPage;
import io.collectoffline.protocol.ItemManifest;
import io.collectoffline.protocol.OutboxAcks;
import io.collectoffline.protocol.OutboxPage;
import io.collectoffline.shipping.LinkFailure;
import io.collectoffline.shipping.RestHops;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A middleman's calls to field laptops' pull API through the REST Client of {@link FieldLaptopApi}, one client per
 * field laptop address and pairing token (the base URL is the one the driver gives at each pull).
 */
@ApplicationScoped
public class FieldLaptopClient {

    /** What a field laptop answers to an acknowledgement. */
    public record AckAnswer(int acknowledged) {}

    private final ClientConfig config;
    private final Map<String, FieldLaptopApi> clients = new ConcurrentHashMap<>();

    FieldLaptopClient(ClientConfig config) {
        this.config = config;
    }

    /**
     * A page of the field laptop's outbox.
     *
     * @throws LinkFailure when it cannot be reached, refuses, or answers a page without its producer or transactions
     */
    public OutboxPage outbox(URI laptop, String pairingToken, String afterProducer, long afterSeq, int limit) {
        OutboxPage page = RestHops.call(() -> api(laptop, pairingToken).page(afterProducer, afterSeq, limit));
        if (page == null
                || page.producer() == null
                || page.transactions() == null
                || page.transactions().size() > limit
                || page.transactions().contains(null)) {
            throw unusable(laptop, "an outbox page without its producer or transactions, or with more than asked");
        }
        return page;
    }

    public AckAnswer ack(URI laptop, String pairingToken, OutboxAcks acks) {
        return RestHops.call(() -> api(laptop, pairingToken).ack(acks));
    }

    /**
     * The field laptop's manifest of tracked items.
     *
     * @throws LinkFailure when it cannot be reached, refuses, or answers a manifest without its producer
     */
    public ItemManifest manifest(URI laptop, String pairingToken) {
        ItemManifest manifest = RestHops.call(() -> api(laptop, pairingToken).manifest());
        if (manifest == null || manifest.producer() == null) {
            throw unusable(laptop, "a manifest without its producer");
        }
        return manifest;
    }

    private static LinkFailure unusable(URI laptop, String what) {
        return new LinkFailure(LinkFailure.Kind.REFUSED, "the laptop at " + laptop + " answered " + what);
    }

    private FieldLaptopApi api(URI laptop, String pairingToken) {
        return clients.computeIfAbsent(
                laptop + " " + pairingToken,
                key -> RestHops.create(
                        FieldLaptopApi.class,
                        laptop,
                        pairingToken,
                        config.server().connectTimeout(),
                        config.server().requestTimeout()));
    }

    /** Hands the field laptop at {@code laptop} the down-sync entries carried for it. */
    public CarriedAnswer carried(URI laptop, String pairingToken, DownSyncPage page) {
        CarriedAnswer answer = RestHops.call(() -> api(laptop, pairingToken).carried(page));
        if (answer == null || answer.checkpoint() < 0) {
            throw unusable(laptop, "an unreadable answer to the carried down-sync");
        }
        return answer;
    }

    /** Hands the field laptop at {@code laptop} the account list carried for it; answers whether it took it. */
    public io.collectoffline.protocol.CarriedAccounts accounts(
            URI laptop, String pairingToken, io.collectoffline.protocol.AccountList list) {
        io.collectoffline.protocol.CarriedAccounts answer =
                RestHops.call(() -> api(laptop, pairingToken).accounts(list));
        if (answer == null || answer.issued() == null) {
            throw unusable(laptop, "an unreadable answer to the carried account list");
        }
        return answer;
    }
}
