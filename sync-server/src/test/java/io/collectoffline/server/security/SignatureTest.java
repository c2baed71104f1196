package io.collectoffline.server.security;

import static io.collectoffline.server.Fixtures.admin;
import static io.collectoffline.server.Fixtures.batchFrom;
import static io.collectoffline.server.Fixtures.enrol;
import static io.collectoffline.server.Fixtures.household;
import static io.collectoffline.server.Fixtures.identifier;
import static io.collectoffline.server.Fixtures.tx;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.collectoffline.codec.DeviceSealingKey;
import io.collectoffline.codec.DeviceSigningKey;
import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.KeyRegistration;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.server.config.ActiveDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * README Guarantees 10, on the real PostgreSQL: a producer's transactions are authenticated by the producer itself.
 * A field device registers its signing key with a proof made with its token; from then on a relay (here an enrolled
 * middleman) can neither forge, alter, insert nor reorder its transactions — each attempt is refused with the reason,
 * and refused transactions take no seq: the genuine one is stored and applied after them.
 */
@QuarkusTest
public class SignatureTest {

    @Test
    void aSignedTransactionOfARegisteredDeviceIsStoredAndApplied() {
        Device laptop = Device.enrolled();
        UUID id = UUID.randomUUID();
        laptop.send(
                        laptop.token,
                        List.of(laptop.signed(tx(
                                laptop.id,
                                1,
                                "study.household",
                                "INSERT",
                                household(id, identifier("HH"), "Oodi", 0)))))
                .body("results[0].status", equalTo("ACCEPTED"));
        await().untilAsserted(() ->
                admin().get("/api/v1/records/study.household/" + id).then().statusCode(200));
    }

    @Test
    void aForgedRelayedTransactionIsRefusedAndBlocksNothing() {
        Device laptop = Device.enrolled();
        laptop.send(
                        laptop.token,
                        List.of(laptop.signed(tx(
                                laptop.id,
                                1,
                                "study.household",
                                "INSERT",
                                household(UUID.randomUUID(), identifier("HH"), "One", 0)))))
                .body("results[0].status", equalTo("ACCEPTED"));
        // a middleman signs a change of its own making with its own key and claims it is the laptop's key
        DeviceSigningKey relayKey = DeviceSigningKey.generate();
        String middleman = "mm-" + UUID.randomUUID().toString().substring(0, 8);
        String middlemanToken = enrol(middleman, "middleman");
        UUID forged = UUID.randomUUID();
        Map<String, Object> batch = batchFrom(
                middleman,
                List.of(sign(
                        relayKey,
                        tx(
                                laptop.id,
                                2,
                                "study.household",
                                "INSERT",
                                household(forged, identifier("HH"), "Forged", 0)))));
        batch.put(
                "registrations",
                List.of(new KeyRegistration(
                        laptop.id,
                        relayKey.keyId(),
                        relayKey.publicKey(),
                        KeyRegistration.proof(laptop.id, relayKey.publicKey(), "a-guessed-token"))));
        post(middlemanToken, batch)
                .body("results[0].status", equalTo("REJECTED"))
                .body("results[0].reason", containsString("does not know"))
                .body("results[0].type", equalTo("urn:collect-offline:problem:bad-signature"));

        UUID genuine = UUID.randomUUID();
        laptop.send(
                        middlemanToken,
                        middleman,
                        List.of(laptop.signed(tx(
                                laptop.id,
                                2,
                                "study.household",
                                "INSERT",
                                household(genuine, identifier("HH"), "Two", 0)))))
                .body("results[0].status", equalTo("ACCEPTED"));
        await().untilAsserted(() ->
                admin().get("/api/v1/records/study.household/" + genuine).then().statusCode(200));
        admin().get("/api/v1/records/study.household/" + forged).then().statusCode(404);
    }

    @Test
    void anAlteredTransactionIsRefused() {
        Device laptop = Device.enrolled();
        Map<String, Object> signed = laptop.signed(tx(
                laptop.id, 1, "study.household", "INSERT", household(UUID.randomUUID(), identifier("HH"), "Oodi", 0)));
        Map<String, Object> altered = new HashMap<>(signed);
        altered.put(
                "payload",
                tx(
                                laptop.id,
                                1,
                                "study.household",
                                "INSERT",
                                household(
                                        UUID.fromString(String.valueOf(signed.get("recordId"))),
                                        identifier("HH"),
                                        "Elsewhere",
                                        0))
                        .get("payload"));
        laptop.send(laptop.token, List.of(altered))
                .body("results[0].status", equalTo("REJECTED"))
                .body("results[0].reason", containsString("does not verify"));
        laptop.send(laptop.token, List.of(signed)).body("results[0].status", equalTo("ACCEPTED"));
    }

    @Test
    void anInsertedUnsignedTransactionIsRefusedEvenWhereUnsignedOnesAreTaken() {
        Device laptop = Device.enrolled();
        laptop.send(
                        laptop.token,
                        List.of(laptop.signed(tx(
                                laptop.id,
                                1,
                                "study.household",
                                "INSERT",
                                household(UUID.randomUUID(), identifier("HH"), "One", 0)))))
                .body("results[0].status", equalTo("ACCEPTED"));
        String middleman = "mm-" + UUID.randomUUID().toString().substring(0, 8);
        String middlemanToken = enrol(middleman, "middleman");
        post(
                        middlemanToken,
                        batchFrom(
                                middleman,
                                List.of(tx(
                                        laptop.id,
                                        2,
                                        "study.household",
                                        "INSERT",
                                        household(UUID.randomUUID(), identifier("HH"), "Inserted", 0)))))
                .body("results[0].status", equalTo("REJECTED"))
                .body("results[0].reason", containsString("unsigned, but device"));
    }

    @Test
    void eachTransactionOfALargeBatchIsJudgedByItsOwnSignature() {
        // the server checks a batch's signatures on several threads: each answer must still be its own transaction's
        Device laptop = Device.enrolled();
        List<Map<String, Object>> batch = new java.util.ArrayList<>();
        for (int seq = 1; seq <= 300; seq++) {
            batch.add(laptop.signed(tx(
                    laptop.id,
                    seq,
                    "study.household",
                    "INSERT",
                    household(UUID.randomUUID(), identifier("HH"), "Oodi", 0))));
        }
        Map<String, Object> altered = new HashMap<>(batch.get(236));
        UUID recordId = UUID.fromString(String.valueOf(altered.get("recordId")));
        altered.put(
                "payload",
                tx(laptop.id, 237, "study.household", "INSERT", household(recordId, identifier("HH"), "Elsewhere", 0))
                        .get("payload"));
        batch.set(236, altered);
        ValidatableResponse answer = laptop.send(laptop.token, batch);
        List<String> statuses = answer.extract().jsonPath().getList("results.status");
        List<String> txIds = answer.extract().jsonPath().getList("results.txId");
        assertThat(statuses).hasSize(300);
        for (int i = 0; i < 300; i++) {
            assertThat(txIds.get(i)).isEqualTo(String.valueOf(batch.get(i).get("txId")));
            assertThat(statuses.get(i)).as("transaction %d", i).isEqualTo(i == 236 ? "REJECTED" : "ACCEPTED");
        }
        answer.body("results[236].reason", containsString("does not verify"));
    }

    @Test
    void aReorderedTransactionIsRefused() {
        Device laptop = Device.enrolled();
        Map<String, Object> second = laptop.signed(tx(
                laptop.id, 2, "study.household", "INSERT", household(UUID.randomUUID(), identifier("HH"), "Two", 0)));
        Map<String, Object> moved = new HashMap<>(second);
        moved.put("seq", 1);
        laptop.send(laptop.token, List.of(moved))
                .body("results[0].status", equalTo("REJECTED"))
                .body("results[0].reason", containsString("does not verify"));
    }

    /** An enrolled field device with its signing key registered (proof made with its token). */
    @Inject
    ActiveDatabase database;

    @Test
    void aDevicesSealingKeyIsRegisteredWithItsProofAndARelayCanNeitherAddNorSwapOne() throws Exception {
        Device laptop = Device.enrolled();
        String genuine = DeviceSealingKey.generate().publicKey();
        String relays = DeviceSealingKey.generate().publicKey();
        // a relay adds its own sealing key to the laptop's registration: the proof no longer covers what is sent
        Map<String, Object> added = batchFrom(
                laptop.id,
                List.of(laptop.signed(tx(
                        laptop.id,
                        1,
                        "study.household",
                        "INSERT",
                        household(UUID.randomUUID(), identifier("HH"), "A", 0)))));
        added.put(
                "registrations",
                List.of(new KeyRegistration(
                        laptop.id,
                        laptop.key.keyId(),
                        laptop.key.publicKey(),
                        KeyRegistration.proof(laptop.id, laptop.key.publicKey(), laptop.token),
                        relays)));
        post(laptop.token, added).body("results[0].status", equalTo("REJECTED"));
        assertThat(sealingKey(laptop.id))
                .as("nothing registered from a registration whose proof fails")
                .isNull();

        // the laptop's own registration, its proof covering its sealing key
        Map<String, Object> own = batchFrom(
                laptop.id,
                List.of(laptop.signed(tx(
                        laptop.id,
                        1,
                        "study.household",
                        "INSERT",
                        household(UUID.randomUUID(), identifier("HH"), "B", 0)))));
        own.put(
                "registrations",
                List.of(new KeyRegistration(
                        laptop.id,
                        laptop.key.keyId(),
                        laptop.key.publicKey(),
                        KeyRegistration.proof(laptop.id, laptop.key.publicKey(), genuine, laptop.token),
                        genuine)));
        post(laptop.token, own).body("results[0].status", equalTo("ACCEPTED"));
        assertThat(sealingKey(laptop.id)).isEqualTo(genuine);

        // a later registration cannot swap it, even with a valid proof (rotation is not a side effect of a batch)
        own.put(
                "registrations",
                List.of(new KeyRegistration(
                        laptop.id,
                        laptop.key.keyId(),
                        laptop.key.publicKey(),
                        KeyRegistration.proof(laptop.id, laptop.key.publicKey(), relays, laptop.token),
                        relays)));
        post(laptop.token, own).body("results[0].status", equalTo("DUPLICATE"));
        assertThat(sealingKey(laptop.id)).isEqualTo(genuine);
    }

    private String sealingKey(String deviceId) throws java.sql.SQLException {
        try (var c = database.dataSource().getConnection();
                var ps = c.prepareStatement("SELECT sealing_key FROM device_key WHERE device_id = ?")) {
            ps.setString(1, deviceId);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    record Device(String id, String token, DeviceSigningKey key) {

        static Device enrolled() {
            String id = "signer-" + UUID.randomUUID().toString().substring(0, 8);
            String token = enrol(id, "field");
            DeviceSigningKey key = DeviceSigningKey.generate();
            return new Device(id, token, key); // its key travels with each batch it sends, proven with its token
        }

        Map<String, Object> signed(Map<String, Object> tx) {
            return sign(key, tx);
        }

        ValidatableResponse send(String with, List<Map<String, Object>> transactions) {
            return send(with, id, transactions);
        }

        ValidatableResponse send(String with, String sender, List<Map<String, Object>> transactions) {
            Map<String, Object> batch = batchFrom(sender, transactions);
            batch.put(
                    "registrations",
                    List.of(new KeyRegistration(
                            id, key.keyId(), key.publicKey(), KeyRegistration.proof(id, key.publicKey(), token))));
            return post(with, batch);
        }
    }

    private static ValidatableResponse post(String token, Map<String, Object> batch) {
        return given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(batch)
                .post("/api/v1/batches")
                .then();
    }

    /** {@code tx} with the signature of {@code key}. */
    public static Map<String, Object> sign(DeviceSigningKey key, Map<String, Object> tx) {
        TransactionEnvelope envelope = new TransactionEnvelope(
                UUID.fromString((String) tx.get("txId")),
                (String) tx.get("producer"),
                ((Number) tx.get("seq")).longValue(),
                (String) tx.get("model"),
                UUID.fromString(String.valueOf(tx.get("recordId"))),
                Action.valueOf((String) tx.get("action")),
                null,
                (String) tx.get("keyId"),
                Base64.getDecoder().decode((String) tx.get("payload")));
        Map<String, Object> signed = new HashMap<>(tx);
        signed.put("signer", key.keyId());
        signed.put("signature", Base64.getEncoder().encodeToString(key.sign(envelope)));
        return signed;
    }
}
