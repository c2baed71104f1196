package io.collectoffline.server.apply;

import static io.collectoffline.server.Fixtures.admin;
import static io.collectoffline.server.Fixtures.household;
import static io.collectoffline.server.Fixtures.problem;
import static io.collectoffline.server.Fixtures.producer;
import static io.collectoffline.server.Fixtures.send;
import static io.collectoffline.server.Fixtures.subject;
import static io.collectoffline.server.Fixtures.tx;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.collectoffline.server.People;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, natural-key clashes: two laptops enrol the same household identifier under different ids. The later
 * one is held as CONFLICT naming both records — never a silent overwrite, never a lost record — until an admin keeps
 * the existing record (the incoming one's dependants re-pointed to it) or rejects the incoming one.
 */
@QuarkusTest
class NaturalKeyClashTest {

    private static final String HOUSEHOLDS = "/api/v1/records/study.household/";
    private static final String SUBJECTS = "/api/v1/records/study.subject/";

    /** Laptop A enrolled household {@code first}; laptop B enrolled the same identifier as {@code second}. */
    private record Clash(
            String a,
            String b,
            UUID first,
            UUID second,
            String identifier,
            Map<String, Object> clashing,
            UUID subjectOfSecond) {

        static Clash happen() {
            String a = producer();
            String b = producer();
            UUID first = UUID.randomUUID();
            UUID second = UUID.randomUUID();
            String identifier = io.collectoffline.server.Fixtures.identifier("HH");
            send(a, List.of(tx(a, 1, "study.household", "INSERT", household(first, identifier, "From A", 0))));
            await().untilAsserted(() -> admin().get(HOUSEHOLDS + first).then().statusCode(200));
            Map<String, Object> clashing =
                    tx(b, 1, "study.household", "INSERT", household(second, identifier, "From B", 0));
            UUID subject = UUID.randomUUID();
            send(
                    b,
                    List.of(
                            clashing,
                            tx(
                                    b,
                                    2,
                                    "study.subject",
                                    "INSERT",
                                    subject(subject, io.collectoffline.server.Fixtures.identifier("S"), second))));
            return new Clash(a, b, first, second, identifier, clashing, subject);
        }

        String txId() {
            return (String) clashing.get("txId");
        }
    }

    @Test
    void laterRecordWithATakenNaturalKeyIsHeldAsConflictNamingBothRecords() {
        Clash clash = Clash.happen();

        await().untilAsserted(() -> admin().get("/api/v1/incoming/" + clash.txId())
                .then()
                .body("status", equalTo("CONFLICT"))
                .body("statusReason", containsString(clash.first().toString()))
                .body("statusReason", containsString(clash.second().toString())));
        admin().get(HOUSEHOLDS + clash.first()).then().body("village", equalTo("From A")); // not overwritten
        admin().get(HOUSEHOLDS + clash.second()).then().statusCode(404);
        admin().get(SUBJECTS + clash.subjectOfSecond()).then().statusCode(404); // waits behind it
        admin().get("/api/v1/status")
                .then()
                .body("producers.find { it.producer == '" + clash.b() + "' }.blockedBy.status", equalTo("CONFLICT"));
        admin().queryParam("status", "CONFLICT")
                .queryParam("producer", clash.b())
                .get("/api/v1/incoming")
                .then()
                .statusCode(200)
                .body("txId", org.hamcrest.Matchers.contains(clash.txId()));
    }

    @Test
    void keepingTheExistingRecordRePointsTheIncomingRecordsDependants() {
        Clash clash = Clash.happen();
        awaitConflict(clash);

        resolve(clash, "keep-existing", "same household, enumerated twice")
                .statusCode(200)
                .body("status", equalTo("SKIPPED"))
                .body("statusReason", containsString("merged into record " + clash.first()))
                .body("skippedBy", equalTo(People.name("data-manager")));

        await().untilAsserted(() -> admin().get(SUBJECTS + clash.subjectOfSecond())
                .then()
                .statusCode(200)
                .body("household_id", equalTo(clash.first().toString())));
        admin().get(HOUSEHOLDS + clash.first()).then().body("village", equalTo("From A"));
        admin().get(HOUSEHOLDS + clash.second()).then().statusCode(404);
        admin().get("/api/v1/incoming/" + clash.txId()).then().statusCode(200); // kept, with its payload
    }

    @Test
    void laterChangesOfAMergedRecordApplyToTheKeptOne() {
        Clash clash = Clash.happen();
        awaitConflict(clash);
        resolve(clash, "keep-existing", "same household").statusCode(200);

        send(
                clash.b(),
                List.of(tx(
                        clash.b(),
                        3,
                        "study.household",
                        "UPDATE",
                        household(clash.second(), clash.identifier(), "Corrected on B", 1))));

        await().untilAsserted(() ->
                admin().get(HOUSEHOLDS + clash.first()).then().body("village", equalTo("Corrected on B")));
    }

    @Test
    void rejectingTheIncomingRecordKeepsItStoredAndItsDependantsWaitVisibly() {
        Clash clash = Clash.happen();
        awaitConflict(clash);

        resolve(clash, "reject", "enrolled by mistake")
                .statusCode(200)
                .body("status", equalTo("SKIPPED"))
                .body("statusReason", containsString("rejected"));

        await().untilAsserted(() -> admin().get("/api/v1/status")
                .then()
                .body("producers.find { it.producer == '" + clash.b() + "' }.blockedBy.status", equalTo("DEFERRED")));
        admin().get(HOUSEHOLDS + clash.first()).then().body("village", equalTo("From A"));
    }

    @Test
    void resolutionsAreRefusedForOtherTransactionsAndWithoutWhatOrWhy() {
        Clash clash = Clash.happen();
        awaitConflict(clash);

        problem(resolve(clash, "keep-both", "why not"), 400, "invalid-input");
        problem(
                admin().contentType(ContentType.JSON)
                        .body(Map.of("action", "reject", "reason", " "))
                        .post("/api/v1/incoming/" + clash.txId() + "/resolve")
                        .then(),
                400,
                "invalid-input");
        String applied = admin().queryParam("status", "APPLIED")
                .queryParam("producer", clash.a())
                .get("/api/v1/incoming")
                .then()
                .extract()
                .path("[0].txId");
        problem(
                People.as("data-manager")
                        .contentType(ContentType.JSON)
                        .body(Map.of("action", "reject", "reason", "x"))
                        .post("/api/v1/incoming/" + applied + "/resolve")
                        .then(),
                409,
                "transaction-state");
        admin().get("/api/v1/incoming/" + clash.txId()).then().body("status", equalTo("CONFLICT"));
    }

    private static void awaitConflict(Clash clash) {
        await().untilAsserted(() ->
                admin().get("/api/v1/incoming/" + clash.txId()).then().body("status", equalTo("CONFLICT")));
    }

    private static ValidatableResponse resolve(Clash clash, String action, String reason) {
        return People.as("data-manager")
                .contentType(ContentType.JSON)
                .body(Map.of("action", action, "reason", reason))
                .post("/api/v1/incoming/" + clash.txId() + "/resolve")
                .then();
    }
}
