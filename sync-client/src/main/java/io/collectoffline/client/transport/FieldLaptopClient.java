package io.collectoffline.client.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.protocol.OutboxAcks;
import io.collectoffline.protocol.OutboxPage;
import io.collectoffline.protocol.SpecimenManifest;
import io.collectoffline.shipping.JsonHop;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;

/** HTTP from a middleman to a field laptop's pull API, authenticated with the field laptop's pairing token. */
@ApplicationScoped
public class FieldLaptopClient {

    /** What a field laptop answers to an acknowledgement. */
    public record AckAnswer(int acknowledged) {
    }

    private final JsonHop http;

    FieldLaptopClient(ClientConfig config, ObjectMapper json) {
        this.http = new JsonHop(json, config.server().connectTimeout(), config.server().requestTimeout());
    }

    public OutboxPage outbox(URI laptop, String pairingToken, String afterProducer, long afterSeq, int limit) {
        return http.exchange(http.request(laptop, "/api/v1/outbox?afterSeq=" + afterSeq + "&limit=" + limit
                + (afterProducer == null ? "" : "&afterProducer="
                        + JsonHop.segment(afterProducer)),
                pairingToken).GET().build(), OutboxPage.class);
    }

    public AckAnswer ack(URI laptop, String pairingToken, OutboxAcks acks) {
        return http.exchange(http.postJson(http.request(laptop, "/api/v1/outbox/acks", pairingToken), acks).build(),
                AckAnswer.class);
    }

    public SpecimenManifest manifest(URI laptop, String pairingToken) {
        return http.exchange(http.request(laptop, "/api/v1/outbox/manifest", pairingToken).GET().build(),
                SpecimenManifest.class);
    }
}
