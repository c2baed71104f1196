package io.collectoffline.server.apply;

import static io.collectoffline.server.Fixtures.admin;
import static io.collectoffline.server.Fixtures.household;
import static io.collectoffline.server.Fixtures.identifier;
import static io.collectoffline.server.Fixtures.problem;
import static io.collectoffline.server.Fixtures.producer;
import static io.collectoffline.server.Fixtures.send;
import static io.collectoffline.server.Fixtures.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.collectoffline.server.Fixtures;
import io.collectoffline.server.People;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * README Guarantees 9, on the real PostgreSQL: a seq the server refused on arrival never blocks its producer for
 * ever. The status says why it is missing (what, why, when, from which device), the refusals list shows it, and an
 * admin can skip it, audited; the refused transaction arriving after the skip is refused with the skip's reason. One
 * test per cause of a refusal.
 */
@QuarkusTest
class RefusedSeqTest {

    @Test
    void aPayloadOverTheLimitIsExplainedAndCanBeSkipped() {
        refusedSeqIsExplainedAndSkippable(
                tx -> {
                    byte[] big = new byte[1_048_577];
                    tx.put("payload", Base64.getEncoder().encodeToString(big));
                    return tx;
                },
                "payload exceeds");
    }

    @Test
    void aModelThisServerDoesNotKnowIsExplainedAndCanBeSkipped() {
        refusedSeqIsExplainedAndSkippable(
                tx -> {
                    tx.put("model", "study.not_yet_here");
                    return tx;
                },
                "is not an offline model of this server");
    }

    @Test
    void aKeyThisServerDoesNotHoldIsExplainedAndCanBeSkipped() {
        refusedSeqIsExplainedAndSkippable(
                tx -> {
                    tx.put("keyId", "dk-" + UUID.randomUUID());
                    tx.put("payload", Base64.getEncoder().encodeToString(new byte[64]));
                    return tx;
                },
                "");
    }

    @Test
    void aSeqThatNeverArrivesCanBeSkippedExplicitlyAndAudited() {
        String producer = producer();
        UUID second = UUID.randomUUID();
        send(
                producer,
                List.of(tx(producer, 2, "study.household", "INSERT", household(second, identifier("HH"), "Two", 0))));
        await().untilAsserted(() -> admin().get("/api/v1/status")
                .then()
                .body(waitingReasonOf(producer), containsString("has not arrived")));

        skip(producer, 1)
                .statusCode(200)
                .body("status", equalTo("SKIPPED"))
                .body("skippedBy", equalTo(People.name("data-manager")))
                .body("statusReason", containsString("laptop destroyed"));

        await().untilAsserted(() ->
                admin().get("/api/v1/records/study.household/" + second).then().statusCode(200));
    }

    @Test
    void onlyTheSeqAProducerWaitsForCanBeSkippedAndASkipSaysWhoAndWhy() {
        String producer = producer();
        send(
                producer,
                List.of(tx(
                        producer,
                        3,
                        "study.household",
                        "INSERT",
                        household(UUID.randomUUID(), identifier("HH"), "Three", 0))));
        problem(skip(producer, 2), 409, "transaction-state");
        problem(
                admin().contentType(ContentType.JSON)
                        .body(Map.of("reason", ""))
                        .post("/api/v1/incoming/missing/" + producer + "/1/skip")
                        .then(),
                400,
                "invalid-input");
        problem(skip("never-seen-" + UUID.randomUUID().toString().substring(0, 8), 1), 404, "producer-not-found");
        problem(skip(producer, -1), 400, "invalid-input");
    }

    private void refusedSeqIsExplainedAndSkippable(UnaryOperator<Map<String, Object>> spoil, String why) {
        String producer = producer();
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        Map<String, Object> refused = spoil.apply(new HashMap<>(
                tx(producer, 1, "study.household", "INSERT", household(first, identifier("HH"), "One", 0))));
        assertThat(send(producer, List.of(refused))).containsExactly("REJECTED");
        send(
                producer,
                List.of(tx(producer, 2, "study.household", "INSERT", household(second, identifier("HH"), "Two", 0))));

        await().untilAsserted(() -> admin().get("/api/v1/status")
                .then()
                .body(waitingReasonOf(producer), containsString("refused on arrival"))
                .body(waitingReasonOf(producer), containsString(why))
                .body(waitingReasonOf(producer), containsString(Fixtures.RELAY))
                .body(waitingReasonOf(producer), containsString((String) refused.get("txId"))));
        admin().queryParam("producer", producer)
                .get("/api/v1/refusals")
                .then()
                .statusCode(200)
                .body("txId", hasItem(refused.get("txId")))
                .body("[0].seq", equalTo(1))
                .body("[0].sender", equalTo(Fixtures.RELAY))
                .body("[0].reason", containsString(why));
        admin().get("/api/v1/records/study.household/" + second).then().statusCode(404);

        skip(producer, 1).statusCode(200).body("status", equalTo("SKIPPED"));

        await().untilAsserted(() ->
                admin().get("/api/v1/records/study.household/" + second).then().statusCode(200));
        Map<String, Object> resent =
                tx(producer, 1, "study.household", "INSERT", household(first, identifier("HH"), "One", 0));
        Fixtures.post(Fixtures.batch(producer, List.of(resent)))
                .statusCode(200)
                .body("results[0].status", equalTo("REJECTED"))
                .body("results[0].reason", containsString("skipped by " + People.name("data-manager")));
        admin().get("/api/v1/records/study.household/" + first).then().statusCode(404);
    }

    private static io.restassured.response.ValidatableResponse skip(String producer, long seq) {
        return People.as("data-manager")
                .contentType(ContentType.JSON)
                .body(Map.of("reason", "laptop destroyed in a flood"))
                .post("/api/v1/incoming/missing/" + producer + "/" + seq + "/skip")
                .then();
    }

    private static String waitingReasonOf(String producer) {
        return "producers.find { it.producer == '" + producer + "' }.waitingReason";
    }
}
