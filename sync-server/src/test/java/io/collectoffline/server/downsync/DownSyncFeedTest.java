package io.collectoffline.server.downsync;

import static io.collectoffline.server.Fixtures.admin;
import static io.collectoffline.server.Fixtures.household;
import static io.collectoffline.server.Fixtures.identifier;
import static io.collectoffline.server.Fixtures.producer;
import static io.collectoffline.server.Fixtures.send;
import static io.collectoffline.server.Fixtures.tx;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.codec.DeviceSealingKey;
import io.collectoffline.codec.DeviceSigningKey;
import io.collectoffline.codec.PayloadRejectedException;
import io.collectoffline.offline.RecordSnapshot;
import io.collectoffline.protocol.DownSyncEntry;
import io.collectoffline.protocol.DownSyncPage;
import io.collectoffline.protocol.KeyRegistration;
import io.collectoffline.server.Fixtures;
import io.collectoffline.server.apply.ConflictRule;
import io.collectoffline.server.keys.ServerKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, the server's side of two-way (ADR 14): a device receives the settled transactions of its site in the
 * order the server settled them, each producer's in seq order, with the server's verdict, sealed to the device's own
 * key — readable by that device only; a device without a sealing key is told to register one; a revoked device
 * receives nothing; a device of another site receives none of it.
 */
@QuarkusTest
class DownSyncFeedTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ServerKeys serverKeys;

    private record Receiver(String id, String token, DeviceSealingKey sealing) {}

    private static String site() {
        return "site-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String enrolIn(String deviceId, String site) {
        Map<String, Object> body = new HashMap<>(Map.of("deviceId", deviceId, "role", "field"));
        body.put("site", site);
        return admin().contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/devices")
                .then()
                .statusCode(201)
                .extract()
                .path("token");
    }

    /** A laptop of {@code site} that has registered its sealing key. */
    private static Receiver receiverIn(String site) {
        String id = producer();
        String token = enrolIn(id, site);
        DeviceSigningKey signing = DeviceSigningKey.generate();
        DeviceSealingKey sealing = DeviceSealingKey.generate();
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(new KeyRegistration(
                        id,
                        signing.keyId(),
                        signing.publicKey(),
                        KeyRegistration.proof(id, signing.publicKey(), sealing.publicKey(), token),
                        sealing.publicKey()))
                .post("/api/v1/registrations")
                .then()
                .statusCode(204);
        return new Receiver(id, token, sealing);
    }

    private static DownSyncPage feed(Receiver receiver, long after) throws Exception {
        String body = given().auth()
                .oauth2(receiver.token())
                .queryParam("after", after)
                .get("/api/v1/downsync")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        return JSON.findAndRegisterModules().readValue(body, DownSyncPage.class);
    }

    @Test
    void aDeviceReceivesItsSitesSettledTransactionsInOrderSealedToItsOwnKey() throws Exception {
        String site = site();
        String maker = producer();
        enrolIn(maker, site);
        Receiver receiver = receiverIn(site);
        UUID household = UUID.randomUUID();
        String identifier = identifier("HH");
        send(
                maker,
                List.of(
                        tx(maker, 1, "study.household", "INSERT", household(household, identifier, "Oodi", 0)),
                        tx(maker, 2, "study.household", "UPDATE", household(household, identifier, "Edited", 1))));
        await().untilAsserted(() -> assertThat(feed(receiver, 0).entries()).hasSize(2));

        DownSyncPage page = feed(receiver, 0);

        assertThat(page.more()).isFalse();
        assertThat(page.next()).isEqualTo(page.entries().get(1).order());
        assertThat(page.entries()).extracting(e -> e.transaction().seq()).containsExactly(1L, 2L);
        assertThat(page.entries().get(0).order())
                .isLessThan(page.entries().get(1).order());
        DownSyncEntry edited = page.entries().get(1);
        assertThat(edited.overruled()).isFalse();
        assertThat(edited.transaction().keyId()).startsWith("dk-");
        byte[] plaintext = receiver.sealing()
                .ring()
                .open(
                        edited.transaction().header(),
                        edited.transaction().keyId(),
                        edited.transaction().payload());
        assertThat(RecordSnapshot.fromJson(plaintext).fields().get("village").asText())
                .isEqualTo("Edited");
        // sealed to the device: not even the server's own key opens it (so no relay's key can)
        Assertions.assertThatThrownBy(() -> serverKeys
                        .ring()
                        .open(
                                edited.transaction().header(),
                                edited.transaction().keyId(),
                                edited.transaction().payload()))
                .isInstanceOf(PayloadRejectedException.class);
        // chained and signed by the server for this device: what a carrier can neither forge nor thin out
        assertThat(page.signer()).isEqualTo(serverKeys.signingKey().publicKey());
        assertThat(page.entries().get(0).previous()).isZero();
        assertThat(page.entries().get(1).previous())
                .isEqualTo(page.entries().get(0).order());
        DeviceSigningKey server = new DeviceSigningKey(null, page.signer(), null);
        assertThat(server.verifies(DownSyncPage.signedBytes(page), page.signature()))
                .isTrue();
        DownSyncPage forAnother = new DownSyncPage(
                "another-device",
                page.subscription(),
                page.after(),
                page.next(),
                page.more(),
                page.latest(),
                page.entries(),
                page.signer(),
                page.signature());
        assertThat(server.verifies(DownSyncPage.signedBytes(forAnother), page.signature()))
                .isFalse();
        // asking after the last position: nothing more, and the server knows how far the device holds
        assertThat(feed(receiver, page.next()).entries()).isEmpty();
        admin().get("/api/v1/devices/" + receiver.id() + "/downsync")
                .then()
                .statusCode(200)
                .body("subscription", equalTo("site:" + site))
                .body("checkpoint", equalTo((int) page.next()))
                .body("behind", equalTo(0))
                .body("sealingKey", equalTo(true));
        // moved to another site: its feed is another one, named in every page
        admin().contentType(ContentType.JSON)
                .header("X-Collect-User", "test-admin")
                .body(Map.of("site", site()))
                .put("/api/v1/devices/" + receiver.id() + "/site")
                .then()
                .statusCode(200);
        assertThat(feed(receiver, 0).subscription()).isNotEqualTo("site:" + site);
        // a device of another site receives none of it
        assertThat(feed(receiverIn(site()), 0).entries()).isEmpty();
    }

    @Test
    void aChangeThatLostAConflictIsSentOverruledWithoutItsPayload() throws Exception {
        String site = site();
        String a = producer();
        String b = producer();
        enrolIn(a, site);
        enrolIn(b, site);
        Receiver receiver = receiverIn(site);
        UUID record = UUID.randomUUID();
        String identifier = identifier("HH");
        UUID a1 = UUID.randomUUID();
        UUID a2 = UUID.randomUUID();
        UUID b2 = UUID.randomUUID();
        while (ConflictRule.wins(new ConflictRule.Version(b2, 2, b), new ConflictRule.Version(a2, 2, a))) {
            b2 = UUID.randomUUID(); // B's edit, arriving second, must be the one that loses
        }
        send(
                a,
                List.of(
                        tx(a, 1, "study.household", "INSERT", household(record, identifier, "Oodi", 0), a1, 1, null),
                        tx(a, 2, "study.household", "UPDATE", household(record, identifier, "On A", 1), a2, 2, a1)));
        await().untilAsserted(() -> assertThat(feed(receiver, 0).entries()).hasSize(2));
        send(b, List.of(tx(b, 1, "study.household", "UPDATE", household(record, identifier, "On B", 1), b2, 2, a1)));
        await().untilAsserted(() -> assertThat(feed(receiver, 0).entries()).hasSize(3));

        DownSyncEntry lost = feed(receiver, 0).entries().get(2);

        assertThat(lost.transaction().txId()).isEqualTo(b2);
        assertThat(lost.overruled()).isTrue();
        assertThat(lost.transaction().payload()).isNull();
        admin().get("/api/v1/records/study.household/" + record).then().body("village", equalTo("On A"));
    }

    @Test
    void aDeviceWithoutASealingKeyIsToldToRegisterOneAndARevokedDeviceReceivesNothing() {
        String id = producer();
        String token = enrolIn(id, site());
        Fixtures.problem(given().auth().oauth2(token).get("/api/v1/downsync").then(), 409, "no-sealing-key");

        Receiver receiver = receiverIn(site());
        admin().post("/api/v1/devices/" + receiver.id() + "/revoke").then().statusCode(200);
        given().auth().oauth2(receiver.token()).get("/api/v1/downsync").then().statusCode(401);
    }

    @Test
    void aRegistrationOfAnotherDevicesKeyOrWithABadProofIsRefused() {
        Receiver receiver = receiverIn(site());
        DeviceSigningKey signing = DeviceSigningKey.generate();
        DeviceSealingKey sealing = DeviceSealingKey.generate();
        String other = producer();
        given().auth()
                .oauth2(receiver.token())
                .contentType(ContentType.JSON)
                .body(new KeyRegistration(
                        other,
                        signing.keyId(),
                        signing.publicKey(),
                        KeyRegistration.proof(other, signing.publicKey(), sealing.publicKey(), receiver.token()),
                        sealing.publicKey()))
                .post("/api/v1/registrations")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(receiver.token())
                .contentType(ContentType.JSON)
                .body(new KeyRegistration(
                        receiver.id(),
                        signing.keyId(),
                        signing.publicKey(),
                        KeyRegistration.proof(receiver.id(), signing.publicKey(), sealing.publicKey(), "not-the-token"),
                        sealing.publicKey()))
                .post("/api/v1/registrations")
                .then()
                .statusCode(400);
    }
}
