package io.collectoffline.server.apply;

import static io.collectoffline.server.Fixtures.admin;
import static io.collectoffline.server.Fixtures.household;
import static io.collectoffline.server.Fixtures.identifier;
import static io.collectoffline.server.Fixtures.problem;
import static io.collectoffline.server.Fixtures.producer;
import static io.collectoffline.server.Fixtures.send;
import static io.collectoffline.server.Fixtures.subject;
import static io.collectoffline.server.Fixtures.tx;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.collectoffline.server.People;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.mockito.InjectSpy;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

/**
 * DESIGN §5, invariant 5, on the real PostgreSQL: per producer the server applies in seq order; a missing
 * dependency defers, a gap waits; every waiting, deferred or failed transaction is visible with its reason and can
 * be retried or (audited) skipped.
 */
@QuarkusTest
class OrderedApplyInvariantTest {

    private static final String HOUSEHOLDS = "/api/v1/records/study.household/";

    @InjectSpy
    ApplyWorker worker;

    @jakarta.inject.Inject
    ProducerApplier applier;

    @Test
    void batchOnAnIdleServerIsAppliedWithinAboutASecond() {
        String producer = producer();
        UUID id = UUID.randomUUID();
        String identifier = identifier("HH");

        send(producer, List.of(tx(producer, 1, "study.household", "INSERT", household(id, identifier, "Oodi", 0))));

        await().atMost(Duration.ofMillis(1500))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> admin().get(HOUSEHOLDS + id)
                        .then()
                        .statusCode(200)
                        .body("household_identifier", equalTo(identifier))
                        .body("user_created", equalTo("tshepo"))
                        .body("device_modified", equalTo("laptop-01")));
    }

    @Test
    void seqThreeArrivingBeforeSeqTwoIsAppliedAfterIt() {
        String producer = producer();
        UUID id = UUID.randomUUID();
        String identifier = identifier("HH");
        oneAppliedThreeWaitingForTwo(producer, id, identifier);
        admin().get(HOUSEHOLDS + id).then().body("village", equalTo("One"));

        send(producer, List.of(tx(producer, 2, "study.household", "UPDATE", household(id, identifier, "Two", 1))));

        awaitVillage(id, "Three");
        admin().get(HOUSEHOLDS + id + "/history")
                .then()
                .statusCode(200)
                .body("seq", contains(1, 2, 3))
                .body("fields.village", contains("One", "Two", "Three"))
                .body("[0].changedBy", equalTo("tshepo"))
                .body("[0].changedDevice", equalTo("laptop-01"))
                .body("[0].changedAt", notNullValue());
    }

    @Test
    void aBatchThatFillsAGapWakesTheWorkerForTheTransactionsStoredAfterIt() {
        // two batches in flight from one laptop may arrive in the wrong order: the later one waits, stored; the
        // earlier one is applied on receipt and must hand the later one to the worker at once, not at its interval
        String producer = producer();
        UUID id = UUID.randomUUID();
        String identifier = identifier("HH");
        oneAppliedThreeWaitingForTwo(producer, id, identifier);
        Mockito.clearInvocations(worker);

        send(producer, List.of(tx(producer, 2, "study.household", "UPDATE", household(id, identifier, "Two", 1))));

        Mockito.verify(worker, Mockito.atLeastOnce()).wake();
        awaitVillage(id, "Three");
    }

    @Test
    void crossProducerForeignKeyIsDeferredThenApplied() {
        String fieldLaptop = producer();
        String otherLaptop = producer();
        UUID household = UUID.randomUUID();
        UUID subject = UUID.randomUUID();

        List<String> sent = send(
                fieldLaptop,
                List.of(tx(fieldLaptop, 1, "study.subject", "INSERT", subject(subject, identifier("S"), household))));
        await().untilAsserted(() -> admin().queryParam("producer", fieldLaptop)
                .get("/api/v1/incoming")
                .then()
                .body("[0].status", equalTo("DEFERRED"))
                .body("[0].statusReason", containsString("waits for a record it refers to")));
        admin().get("/api/v1/status")
                .then()
                .body("producers.find { it.producer == '" + fieldLaptop + "' }.blockedBy.status", equalTo("DEFERRED"));

        send(
                otherLaptop,
                List.of(tx(
                        otherLaptop,
                        1,
                        "study.household",
                        "INSERT",
                        household(household, identifier("HH"), "Oodi", 0))));

        await().untilAsserted(() -> admin().get("/api/v1/records/study.subject/" + subject)
                .then()
                .statusCode(200)
                .body("household_id", equalTo(household.toString())));
        admin().queryParam("producer", fieldLaptop)
                .get("/api/v1/incoming")
                .then()
                .body("[0].status", equalTo("APPLIED"));
        org.assertj.core.api.Assertions.assertThat(sent).containsExactly("ACCEPTED");
    }

    @Test
    void deleteRemovesTheRecordAndKeepsItsHistory() {
        String producer = producer();
        UUID id = UUID.randomUUID();
        String identifier = identifier("HH");

        send(
                producer,
                List.of(
                        tx(producer, 1, "study.household", "INSERT", household(id, identifier, "Oodi", 0)),
                        tx(producer, 2, "study.household", "DELETE", household(id, identifier, "Oodi", 0))));

        await().untilAsserted(() -> problem(admin().get(HOUSEHOLDS + id).then(), 404, "record-not-found"));
        admin().get(HOUSEHOLDS + id + "/history").then().statusCode(200).body("action", contains("INSERT", "DELETE"));
    }

    @Test
    void blockedTransactionIsVisibleThenRetryAppliesItOnceTheCauseIsGone() {
        String first = producer();
        String second = producer();
        String identifier = identifier("HH");
        UUID original = UUID.randomUUID();
        UUID clash = UUID.randomUUID();
        send(first, List.of(tx(first, 1, "study.household", "INSERT", household(original, identifier, "A", 0))));
        awaitVillage(original, "A");

        send(second, List.of(tx(second, 1, "study.household", "INSERT", household(clash, identifier, "B", 0))));
        String txId = await().until(() -> blocker(second), b -> b != null && "CONFLICT".equals(b.get("status")))
                .get("txId")
                .toString();
        admin().get("/api/v1/incoming/" + txId)
                .then()
                .body("status", equalTo("CONFLICT"))
                .body("statusReason", containsString("natural key"));

        send(first, List.of(tx(first, 2, "study.household", "DELETE", household(original, identifier, "A", 0))));
        await().untilAsserted(() -> problem(admin().get(HOUSEHOLDS + original).then(), 404, "record-not-found"));
        admin().post("/api/v1/incoming/" + txId + "/retry").then().statusCode(200);

        awaitVillage(clash, "B");
        admin().get("/api/v1/incoming/" + txId)
                .then()
                .body("status", equalTo("APPLIED"))
                .body("attempts", equalTo(2));
    }

    /**
     * README, Guarantees 25: a transaction in ERROR is put back in line by itself (once at start and every
     * {@code sync.server.apply.retry-errors-every}), so its producer goes on once the cause is gone, without an admin
     * retrying each one. Here a household's DELETE fails while another laptop's subject still refers to it; that
     * laptop deletes the subject later.
     */
    @Test
    void anErrorWhoseCauseIsGoneIsRetriedByItselfAndItsProducerGoesOn() {
        String deleting = producer();
        String other = producer();
        UUID household = UUID.randomUUID();
        String identifier = identifier("HH");
        UUID subject = UUID.randomUUID();
        String subjectIdentifier = identifier("S");
        UUID after = UUID.randomUUID();
        send(deleting, List.of(tx(deleting, 1, "study.household", "INSERT", household(household, identifier, "A", 0))));
        awaitVillage(household, "A");
        send(other, List.of(tx(other, 1, "study.subject", "INSERT", subject(subject, subjectIdentifier, household))));
        await().untilAsserted(() ->
                admin().get("/api/v1/records/study.subject/" + subject).then().statusCode(200));
        send(
                deleting,
                List.of(
                        tx(deleting, 2, "study.household", "DELETE", household(household, identifier, "A", 0)),
                        tx(deleting, 3, "study.household", "INSERT", household(after, identifier("HH"), "After", 0))));
        String txId = await().until(() -> blocker(deleting), b -> b != null && "ERROR".equals(b.get("status")))
                .get("txId")
                .toString();
        admin().get("/api/v1/incoming/" + txId)
                .then()
                .body("statusReason", containsString("other records on this server still refer to it"));

        send(other, List.of(tx(other, 2, "study.subject", "DELETE", subject(subject, subjectIdentifier, household))));
        await().untilAsserted(() ->
                problem(admin().get("/api/v1/records/study.subject/" + subject).then(), 404, "record-not-found"));
        org.assertj.core.api.Assertions.assertThat(applier.retryErrors()).isGreaterThanOrEqualTo(1);
        worker.wake();

        awaitVillage(after, "After");
        problem(admin().get(HOUSEHOLDS + household).then(), 404, "record-not-found");
        admin().get("/api/v1/incoming/" + txId).then().body("status", equalTo("APPLIED"));
    }

    @Test
    void skipIsAuditedAndUnblocksTheProducer() {
        String producer = producer();
        UUID orphan = UUID.randomUUID();
        UUID next = UUID.randomUUID();
        send(
                producer,
                List.of(
                        tx(producer, 1, "study.subject", "INSERT", subject(orphan, identifier("S"), UUID.randomUUID())),
                        tx(producer, 2, "study.household", "INSERT", household(next, identifier("HH"), "After", 0))));
        String txId = await().until(() -> blocker(producer), b -> b != null && "DEFERRED".equals(b.get("status")))
                .get("txId")
                .toString();

        problem(
                admin().contentType(ContentType.JSON)
                        .body(Map.of("reason", ""))
                        .post("/api/v1/incoming/" + txId + "/skip")
                        .then(),
                400,
                "invalid-input");
        People.as("data-manager")
                .contentType(ContentType.JSON)
                .body(Map.of("reason", "household never enumerated"))
                .post("/api/v1/incoming/" + txId + "/skip")
                .then()
                .statusCode(200)
                .body("status", equalTo("SKIPPED"))
                .body("skippedBy", equalTo(People.name("data-manager")))
                .body("statusReason", containsString("household never enumerated"))
                .body("appliedAt", notNullValue());

        awaitVillage(next, "After");
        problem(admin().get("/api/v1/records/study.subject/" + orphan).then(), 404, "record-not-found");
        problem(admin().post("/api/v1/incoming/" + txId + "/retry").then(), 409, "transaction-state");
    }

    @Test
    void onlyTheHeadOfAProducersQueueCanBeSkipped() {
        String producer = producer();
        send(
                producer,
                List.of(
                        tx(
                                producer,
                                1,
                                "study.subject",
                                "INSERT",
                                subject(UUID.randomUUID(), identifier("S"), UUID.randomUUID())),
                        tx(
                                producer,
                                2,
                                "study.household",
                                "INSERT",
                                household(UUID.randomUUID(), identifier("HH"), "X", 0))));
        await().until(() -> blocker(producer), b -> b != null);
        String second = admin().queryParam("producer", producer)
                .get("/api/v1/incoming")
                .then()
                .extract()
                .path("[1].txId");

        problem(
                        admin().contentType(ContentType.JSON)
                                .body(Map.of("reason", "try"))
                                .header("X-Collect-User", "a")
                                .post("/api/v1/incoming/" + second + "/skip")
                                .then(),
                        409,
                        "transaction-state")
                .body("detail", containsString("seq 1"));
    }

    @Test
    void adminListsFilterByStatusProducerAndModel() {
        String producer = producer();
        send(
                producer,
                List.of(tx(
                        producer,
                        1,
                        "study.household",
                        "INSERT",
                        household(UUID.randomUUID(), identifier("HH"), "X", 0))));

        await().untilAsserted(() -> admin().queryParam("producer", producer)
                .queryParam("status", "APPLIED")
                .queryParam("model", "study.household")
                .get("/api/v1/incoming")
                .then()
                .statusCode(200)
                .body("size()", equalTo(1))
                .body("[0].seq", equalTo(1))
                .body("[0].sender", equalTo(io.collectoffline.server.Fixtures.RELAY)));
        problem(admin().queryParam("status", "LOST").get("/api/v1/incoming").then(), 400, "invalid-input")
                .body("errors[0].field", equalTo("status"));
        problem(admin().get("/api/v1/incoming/" + UUID.randomUUID()).then(), 404, "transaction-not-found");
        problem(admin().get("/api/v1/incoming/not-a-uuid").then(), 400, "invalid-input");
        admin().get("/api/v1/status")
                .then()
                .statusCode(200)
                .body("counts.APPLIED", notNullValue())
                .body("applyLagSeconds", notNullValue());
    }

    @Test
    void unknownModelOrRecordIsNotFound() {
        problem(
                admin().get("/api/v1/records/study.nothing/" + UUID.randomUUID())
                        .then(),
                404,
                "unknown-model");
        problem(admin().get(HOUSEHOLDS + UUID.randomUUID()).then(), 404, "record-not-found");
        problem(admin().get(HOUSEHOLDS + UUID.randomUUID() + "/history").then(), 404, "record-not-found");
    }

    private static Map<String, Object> blocker(String producer) {
        JsonPath status = admin().get("/api/v1/status").then().extract().jsonPath();
        return status.getMap("producers.find { it.producer == '" + producer + "' }.blockedBy");
    }

    /** Household {@code id}: seq 1 (village One) sent and applied, seq 3 (Three) sent and waiting for seq 2. */
    private static void oneAppliedThreeWaitingForTwo(String producer, UUID id, String identifier) {
        send(producer, List.of(tx(producer, 1, "study.household", "INSERT", household(id, identifier, "One", 0))));
        awaitVillage(id, "One");
        send(producer, List.of(tx(producer, 3, "study.household", "UPDATE", household(id, identifier, "Three", 2))));
        await().untilAsserted(() -> admin().get("/api/v1/status")
                .then()
                .body("producers.find { it.producer == '" + producer + "' }.waitingForSeq", equalTo(2))
                .body("producers.find { it.producer == '" + producer + "' }.appliedSeq", equalTo(1)));
    }

    private static void awaitVillage(UUID id, String village) {
        await().untilAsserted(() ->
                admin().get(HOUSEHOLDS + id).then().statusCode(200).body("village", equalTo(village)));
    }
}
