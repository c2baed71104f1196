package io.collectoffline.client.pull;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.collectoffline.client.TestDb;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The pull API a field laptop offers a middleman. */
@QuarkusTest
class PullApiTest {

    @Inject
    TestDb db;

    @Test
    void pullNeedsThePairingToken() {
        given().get("/api/v1/outbox")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:collect-offline:problem:unauthorized"));
        given().auth().oauth2("guess").get("/api/v1/outbox/manifest").then().statusCode(401);
        given().auth()
                .oauth2("guess")
                .contentType(ContentType.JSON)
                .body(Map.of("middleman", "m", "txIds", List.of()))
                .post("/api/v1/outbox/acks")
                .then()
                .statusCode(401);
    }

    @Test
    void pagesOfPendingTransactionsComeSealedInSeqOrder() {
        long from = db.lastSeq();
        for (int i = 0; i < 3; i++) {
            db.newHousehold(TestDb.uniqueIdentifier("HH"));
        }

        JsonPath first = pull(from, 2);
        assertThat(first.getList("transactions.seq", Long.class)).containsExactly(from + 1, from + 2);
        assertThat(first.getBoolean("more")).isTrue();
        assertThat(first.getString("producer")).isEqualTo("test-laptop");
        assertThat(first.getList("transactions.keyId", String.class)).allMatch(k -> k.startsWith("dk-"));
        JsonPath second = pull(from + 2, 2);
        assertThat(second.getList("transactions.seq", Long.class)).containsExactly(from + 3);
        assertThat(second.getBoolean("more")).isFalse();
    }

    @Test
    void acknowledgedTransactionsAreConsumedButStayPendingUntilTheServerHasThem() {
        long from = db.lastSeq();
        UUID household = db.newHousehold(TestDb.uniqueIdentifier("HH"));
        List<String> txIds = pull(from, 10).getList("transactions.txId", String.class);
        long pending = db.count("SELECT COUNT(*) FROM outgoing_transaction WHERE delivered_at IS NULL");

        given().auth()
                .oauth2("test-pairing")
                .contentType(ContentType.JSON)
                .body(Map.of("middleman", "driver-01", "txIds", txIds))
                .post("/api/v1/outbox/acks")
                .then()
                .statusCode(200)
                .body("acknowledged", equalTo(txIds.size()));
        given().auth()
                .oauth2("test-pairing")
                .contentType(ContentType.JSON)
                .body(Map.of("middleman", "driver-01", "txIds", txIds))
                .post("/api/v1/outbox/acks")
                .then()
                .statusCode(200)
                .body("acknowledged", equalTo(0));

        assertThat(db.count(
                        "SELECT COUNT(*) FROM outgoing_transaction WHERE record_id = ? AND "
                                + "consumed_by_middleman = 'driver-01' AND delivered_at IS NULL",
                        household))
                .isEqualTo(1);
        assertThat(db.count("SELECT COUNT(*) FROM outgoing_transaction WHERE delivered_at IS NULL"))
                .isEqualTo(pending);
        given().get("/api/v1/status").then().body("consumedByMiddleman", org.hamcrest.Matchers.greaterThanOrEqualTo(1));
    }

    @Test
    void manifestListsDrawnSpecimensWithoutParticipantData() {
        String subjectIdentifier = TestDb.uniqueIdentifier("S");
        String requisition = TestDb.uniqueIdentifier("REQ");
        String household = post("study.household", Map.of("householdIdentifier", TestDb.uniqueIdentifier("HH")));
        String subject = post(
                "study.subject",
                Map.of(
                        "subjectIdentifier",
                        subjectIdentifier,
                        "householdId",
                        household,
                        "gender",
                        "F",
                        "consentDatetime",
                        "2026-11-27T08:00:00Z"));
        String visit = post(
                "study.subject_visit",
                Map.of("subjectId", subject, "visitCode", "2000", "visitDatetime", "2026-11-27T08:10:00Z"));
        post(
                "study.specimen_requisition",
                Map.of(
                        "requisitionIdentifier",
                        requisition,
                        "subjectVisitId",
                        visit,
                        "panel",
                        "cd4",
                        "drawn",
                        true,
                        "drawnDatetime",
                        "2026-11-27T08:20:00Z"));
        post(
                "study.specimen_requisition",
                Map.of(
                        "requisitionIdentifier",
                        TestDb.uniqueIdentifier("NOTDRAWN"),
                        "subjectVisitId",
                        visit,
                        "panel",
                        "viral_load",
                        "drawn",
                        false));

        String manifest = given().auth()
                .oauth2("test-pairing")
                .get("/api/v1/outbox/manifest")
                .then()
                .statusCode(200)
                .body("producer", equalTo("test-laptop"))
                .body("requisitions.requisitionIdentifier", hasItem(requisition))
                .body("requisitions.requisitionIdentifier", everyItem(not(startsWith("NOTDRAWN"))))
                .body(
                        "requisitions.find { it.requisitionIdentifier == '" + requisition + "' }.visitCode",
                        equalTo("2000"))
                .extract()
                .asString();
        assertThat(manifest)
                .doesNotContain(subjectIdentifier)
                .doesNotContain(subject)
                .doesNotContain(household);
    }

    @Test
    void aFieldLaptopDoesNotPull() {
        given().contentType(ContentType.JSON)
                .body(Map.of("url", "http://127.0.0.1:1", "pairingToken", "x"))
                .post("/api/v1/middleman/pull")
                .then()
                .statusCode(409)
                .body("type", equalTo("urn:collect-offline:problem:not-a-middleman"));
        given().contentType(ContentType.JSON)
                .body(Map.of("url", "file:///etc/passwd", "pairingToken", ""))
                .post("/api/v1/middleman/pull")
                .then()
                .statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.hasItems("url", "pairingToken"));
    }

    private static JsonPath pull(long afterSeq, int limit) {
        return given().auth()
                .oauth2("test-pairing")
                .queryParam("afterSeq", afterSeq)
                .queryParam("limit", limit)
                .get("/api/v1/outbox")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static String post(String model, Map<String, Object> body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/records/" + model)
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }
}
