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
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.server.Fixtures;
import io.collectoffline.server.People;
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

    private record Receiver(String id, String token, DeviceSealingKey sealing, DeviceSigningKey signing) {}

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
        return new Receiver(id, token, sealing, signing);
    }

    private static DownSyncPage feed(Receiver receiver, long after) throws Exception {
        return feed(receiver, after, 1);
    }

    private static DownSyncPage feed(Receiver receiver, long after, int payloads) throws Exception {
        String body = given().auth()
                .oauth2(receiver.token())
                .queryParam("after", after)
                .queryParam("payloads", payloads)
                .get("/api/v1/downsync")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        return JSON.findAndRegisterModules().readValue(body, DownSyncPage.class);
    }

    @Test
    void aDeviceWhoseAppReadsCompressedPayloadsGetsThemAndAnOlderAppGetsVersionOne() throws Exception {
        String site = site();
        String maker = producer();
        enrolIn(maker, site);
        Receiver receiver = receiverIn(site);
        UUID household = UUID.randomUUID();
        send(
                maker,
                List.of(tx(
                        maker,
                        1,
                        "study.household",
                        "INSERT",
                        household(household, identifier("HH"), "A village of a long name", 0))));
        await().untilAsserted(() -> assertThat(data(feed(receiver, 0))).hasSize(1));

        TransactionEnvelope older = data(feed(receiver, 0)).get(0).transaction();
        TransactionEnvelope newer = data(feed(receiver, 0, 2)).get(0).transaction();

        assertThat(older.payload()[2]).isEqualTo((byte) 1);
        assertThat(newer.payload()[2]).isEqualTo((byte) 2);
        assertThat(newer.payload().length).isLessThan(older.payload().length);
        for (TransactionEnvelope tx : List.of(older, newer)) {
            byte[] plaintext = receiver.sealing().ring().open(tx.header(), tx.keyId(), tx.payload());
            assertThat(RecordSnapshot.fromJson(plaintext)
                            .fields()
                            .get("village")
                            .asText())
                    .isEqualTo("A village of a long name");
        }
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
        await().untilAsserted(() -> assertThat(data(feed(receiver, 0))).hasSize(2));

        DownSyncPage page = feed(receiver, 0);

        assertThat(page.more()).isFalse();
        assertThat(page.next()).isEqualTo(data(page).get(1).order());
        assertThat(data(page)).extracting(e -> e.transaction().seq()).containsExactly(1L, 2L);
        assertThat(data(page).get(0).order()).isLessThan(data(page).get(1).order());
        DownSyncEntry edited = data(page).get(1);
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
        for (int i = 1; i < page.entries().size(); i++) {
            assertThat(page.entries().get(i).previous())
                    .isEqualTo(page.entries().get(i - 1).order());
        }
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
                page.dependencies(),
                page.signer(),
                page.signature());
        assertThat(server.verifies(DownSyncPage.signedBytes(forAnother), page.signature()))
                .isFalse();
        // gzip for a device that accepts it
        given().auth()
                .oauth2(receiver.token())
                .header("Accept-Encoding", "gzip")
                .queryParam("after", 0)
                .get("/api/v1/downsync")
                .then()
                .statusCode(200)
                .header("Content-Encoding", "gzip");
        // asking after the last position: nothing more, and the server knows how far the device holds
        assertThat(data(feed(receiver, page.next()))).isEmpty();
        admin().get("/api/v1/devices/" + receiver.id() + "/downsync")
                .then()
                .statusCode(200)
                .body("subscription", equalTo("site:" + site))
                .body("checkpoint", equalTo((int) page.next()))
                .body("behind", equalTo(0))
                .body("sealingKey", equalTo(true));
        // moved to another site: its feed is another one, named in every page
        People.as("admin")
                .contentType(ContentType.JSON)
                .body(Map.of("site", site()))
                .put("/api/v1/devices/" + receiver.id() + "/site")
                .then()
                .statusCode(200);
        assertThat(feed(receiver, 0).subscription()).isNotEqualTo("site:" + site);
        // a device of another site receives none of it
        assertThat(data(feed(receiverIn(site()), 0))).isEmpty();
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
        await().untilAsserted(() -> assertThat(data(feed(receiver, 0))).hasSize(2));
        send(b, List.of(tx(b, 1, "study.household", "UPDATE", household(record, identifier, "On B", 1), b2, 2, a1)));
        await().untilAsserted(() -> assertThat(data(feed(receiver, 0))).hasSize(3));

        DownSyncEntry lost = data(feed(receiver, 0)).get(2);

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

    private static void assign(String path, String model, String... keys) {
        People.as("admin")
                .contentType(ContentType.JSON)
                .body(Map.of("model", model, "keys", List.of(keys)))
                .post(path)
                .then()
                .statusCode(200);
    }

    /** The page's entries but the reference models' (which every device receives, whatever the test). */
    private static List<DownSyncEntry> data(DownSyncPage page) {
        return page.entries().stream()
                .filter(e -> !e.transaction().model().equals("study.visit_definition"))
                .toList();
    }

    private static List<UUID> recordsOf(List<DownSyncEntry> entries) {
        return entries.stream().map(e -> e.transaction().recordId()).toList();
    }

    @Test
    void anAssignedDeviceReceivesItsHouseholdsRecordsAndWhatTheyDependOnInsteadOfItsSite() throws Exception {
        String siteA = site();
        String siteB = site();
        String maker = producer();
        enrolIn(maker, siteA);
        Receiver receiver = receiverIn(siteB);
        UUID h1 = UUID.randomUUID();
        UUID s1 = UUID.randomUUID();
        UUID v1 = UUID.randomUUID();
        UUID h2 = UUID.randomUUID();
        UUID s2 = UUID.randomUUID();
        UUID s3 = UUID.randomUUID();
        String h1Key = identifier("HH");
        String s2Key = identifier("S");
        send(
                maker,
                List.of(
                        tx(maker, 1, "study.household", "INSERT", household(h1, h1Key, "Oodi", 0)),
                        tx(maker, 2, "study.subject", "INSERT", Fixtures.subject(s1, identifier("S"), h1)),
                        tx(maker, 3, "study.subject_visit", "INSERT", Fixtures.visit(v1, s1, "1000")),
                        tx(maker, 4, "study.household", "INSERT", household(h2, identifier("HH"), "Mmathethe", 0)),
                        tx(maker, 5, "study.subject", "INSERT", Fixtures.subject(s2, s2Key, h2)),
                        tx(maker, 6, "study.subject", "INSERT", Fixtures.subject(s3, identifier("S"), h2))));
        await().untilAsserted(() ->
                admin().get("/api/v1/records/study.subject/" + s3).then().statusCode(200));
        assertThat(data(feed(receiver, 0))).isEmpty(); // another site's records

        // a household given to the device: it, what is under it, nothing else
        assign("/api/v1/devices/" + receiver.id() + "/assignments", "study.household", h1Key);
        DownSyncPage assigned = feed(receiver, 0);
        assertThat(assigned.subscription()).startsWith("assigned:");
        assertThat(recordsOf(data(assigned))).containsExactly(h1, s1, v1);
        assertThat(assigned.dependencies()).isEmpty();

        // a subject given to the site's team: the subject and its household come, not the household's other subject
        assign("/api/v1/sites/" + siteB + "/assignments", "study.subject", s2Key);
        DownSyncPage widened = feed(receiver, 0);
        assertThat(widened.subscription()).startsWith("assigned:").isNotEqualTo(assigned.subscription());
        assertThat(recordsOf(data(widened))).containsExactly(h1, s1, v1, h2, s2);
        admin().get("/api/v1/sites/" + siteB + "/assignments")
                .then()
                .statusCode(200)
                .body("records[0].naturalKey", equalTo(s2Key))
                .body("records[0].assignedBy", equalTo(People.name("admin")));

        // later changes under an assigned record follow; the rest of the site does not
        UUID v2 = UUID.randomUUID();
        send(
                maker,
                List.of(
                        tx(maker, 7, "study.subject_visit", "INSERT", Fixtures.visit(v2, s1, "2000")),
                        tx(maker, 8, "study.subject_visit", "INSERT", Fixtures.visit(UUID.randomUUID(), s3, "1000"))));
        await().untilAsserted(() ->
                assertThat(recordsOf(data(feed(receiver, widened.next())))).containsExactly(v2));

        // all or nothing: a key naming no record assigns nothing and says which
        admin().contentType(ContentType.JSON)
                .body(Map.of("model", "study.household", "keys", List.of(h1Key, "HH-NOT-HERE")))
                .post("/api/v1/devices/" + receiver.id() + "/assignments")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("keys[1]"));
        admin().contentType(ContentType.JSON)
                .body(Map.of("model", "no.such_model", "keys", List.of(h1Key)))
                .post("/api/v1/devices/" + receiver.id() + "/assignments")
                .then()
                .statusCode(400);
        admin().contentType(ContentType.JSON)
                .body(Map.of("model", "study.household", "keys", List.of(h1Key)))
                .post("/api/v1/devices/no-such-device/assignments")
                .then()
                .statusCode(404);

        // unassigned: the site's feed again
        admin().queryParam("model", "study.household")
                .queryParam("key", h1Key)
                .delete("/api/v1/devices/" + receiver.id() + "/assignments")
                .then()
                .statusCode(200)
                .body("records", org.hamcrest.Matchers.empty());
        admin().queryParam("model", "study.subject")
                .queryParam("key", s2.toString())
                .delete("/api/v1/sites/" + siteB + "/assignments")
                .then()
                .statusCode(200);
        admin().queryParam("model", "study.subject")
                .queryParam("key", s2.toString())
                .delete("/api/v1/sites/" + siteB + "/assignments")
                .then()
                .statusCode(400);
        assertThat(feed(receiver, 0).subscription()).isEqualTo("site:" + siteB);
    }

    @Test
    void everyFieldDeviceReceivesTheReferenceModels() throws Exception {
        String maker = producer();
        enrolIn(maker, site());
        Receiver elsewhere = receiverIn(site());
        UUID definition = UUID.randomUUID();
        send(
                maker,
                List.of(tx(maker, 1, "study.visit_definition", "INSERT", Fixtures.visitDefinition(definition, "M6"))));

        await().untilAsserted(() ->
                assertThat(recordsOf(feed(elsewhere, 0).entries())).contains(definition));
    }

    @Test
    void aVisitMadeAtAnotherSiteGoesToTheSubjectsSiteAndComesBackToItsMakerWithWhatItDependsOn() throws Exception {
        String siteA = site();
        String siteB = site();
        String makerA = producer();
        enrolIn(makerA, siteA);
        Receiver home = receiverIn(siteA);
        Receiver receiver = receiverIn(siteB); // makes the visit itself, holding nothing of site A
        UUID household = UUID.randomUUID();
        UUID subject = UUID.randomUUID();
        String householdKey = identifier("HH");
        send(
                makerA,
                List.of(
                        tx(makerA, 1, "study.household", "INSERT", household(household, householdKey, "Oodi", 0)),
                        tx(makerA, 2, "study.household", "UPDATE", household(household, householdKey, "Moved", 1)),
                        tx(
                                makerA,
                                3,
                                "study.subject",
                                "INSERT",
                                Fixtures.subject(subject, identifier("S"), household))));
        await().untilAsserted(() ->
                admin().get("/api/v1/records/study.subject/" + subject).then().statusCode(200));
        UUID visit = UUID.randomUUID();
        send(
                receiver.id(),
                List.of(io.collectoffline.server.security.SignatureTest.sign(
                        receiver.signing(),
                        tx(
                                receiver.id(),
                                1,
                                "study.subject_visit",
                                "INSERT",
                                Fixtures.visit(visit, subject, "1000")))));

        // the subject's site receives the visit made elsewhere: its home is the subject's household's
        await().untilAsserted(() ->
                assertThat(recordsOf(data(feed(home, 0)))).containsExactly(household, household, subject, visit));
        assertThat(feed(home, 0).dependencies()).isEmpty();
        // its maker receives its own visit (the verdict) with the records it depends on, which its feed lacks
        await().untilAsserted(
                        () -> assertThat(recordsOf(data(feed(receiver, 0)))).containsExactly(visit));
        DownSyncPage page = feed(receiver, 0);

        // the subject enrolled at the other site and its household, latest versions, parents first
        assertThat(recordsOf(page.dependencies())).containsExactly(household, subject);
        assertThat(page.dependencies().get(0).transaction().seq()).isEqualTo(2L);
        assertThat(page.dependencies()).allSatisfy(d -> assertThat(d.previous()).isZero());
        DeviceSigningKey server = new DeviceSigningKey(null, page.signer(), null);
        assertThat(server.verifies(DownSyncPage.signedBytes(page), page.signature()))
                .isTrue();
        DownSyncPage stripped = new DownSyncPage(
                page.device(),
                page.subscription(),
                page.after(),
                page.next(),
                page.more(),
                page.latest(),
                page.entries(),
                List.of(),
                page.signer(),
                page.signature());
        assertThat(server.verifies(DownSyncPage.signedBytes(stripped), page.signature()))
                .isFalse();
    }
}
