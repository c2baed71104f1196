package io.collectoffline.client.records;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

import io.collectoffline.client.TestDb;
import io.collectoffline.study.Household;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The data entry API as a form or an integrator uses it: happy paths, and bad input that changes nothing. */
@QuarkusTest
class RecordsResourceTest {

    private static final String RECORDS = "/api/v1/records/";

    @Inject
    TestDb db;

    @Inject
    jakarta.persistence.EntityManager em;

    @Test
    void createdRecordIsStoredWithAuditFieldsAndCaptured() {
        long before = db.outgoing();
        String identifier = TestDb.uniqueIdentifier("HH");

        String id = given().contentType(ContentType.JSON)
                .header("X-Collect-User", "tshepo")
                .body(Map.of("householdIdentifier", identifier, "village", "Oodi"))
                .post(RECORDS + "study.household")
                .then()
                .statusCode(201)
                .header("Location", containsString(RECORDS + "study.household/"))
                .body("householdIdentifier", equalTo(identifier))
                .body("version", equalTo(0))
                .body("userCreated", equalTo("tshepo"))
                .body("deviceCreated", equalTo("test-laptop"))
                .body("created", notNullValue())
                .extract()
                .path("id");

        given().get(RECORDS + "study.household/" + id).then().statusCode(200).body("village", equalTo("Oodi"));
        assertThat(db.outgoing()).isEqualTo(before + 1);
    }

    @Test
    void bulkCreateStoresAndCapturesEveryRecordInOneTransaction() {
        long before = db.outgoing();
        String a = TestDb.uniqueIdentifier("HH");
        String b = TestDb.uniqueIdentifier("HH");

        given().contentType(ContentType.JSON)
                .header("X-Collect-User", "tshepo")
                .body(java.util.List.of(
                        Map.of("householdIdentifier", a, "village", "Oodi"),
                        Map.of("householdIdentifier", b, "village", "Gabane")))
                .post(RECORDS + "study.household/bulk")
                .then()
                .statusCode(200)
                .body("created", equalTo(2));

        assertThat(db.outgoing()).isEqualTo(before + 2);
    }

    @Test
    void bulkCreateWithOneBadRecordCreatesNothingAndNamesIt() {
        long before = db.outgoing();
        String taken = TestDb.uniqueIdentifier("HH");
        createHousehold(taken);
        long afterFirst = db.outgoing();

        problem(
                        given().contentType(ContentType.JSON)
                                .body(java.util.List.of(
                                        Map.of("householdIdentifier", TestDb.uniqueIdentifier("HH"), "village", "Oodi"),
                                        Map.of("village", "Gabane")))
                                .post(RECORDS + "study.household/bulk")
                                .then(),
                        400,
                        "invalid-input")
                .body("errors.field", hasItems("[1].householdIdentifier"));
        problem(
                        given().contentType(ContentType.JSON)
                                .body(java.util.List.of(
                                        Map.of("householdIdentifier", TestDb.uniqueIdentifier("HH"), "village", "Oodi"),
                                        Map.of("householdIdentifier", taken, "village", "Gabane")))
                                .post(RECORDS + "study.household/bulk")
                                .then(),
                        409,
                        "natural-key-taken")
                .body("detail", containsString("Record [1]"));
        problem(
                given().contentType(ContentType.JSON)
                        .body(Map.of("householdIdentifier", "X"))
                        .post(RECORDS + "study.household/bulk")
                        .then(),
                400,
                "invalid-input");

        assertThat(afterFirst).isEqualTo(before + 1);
        assertThat(db.outgoing()).isEqualTo(afterFirst);
    }

    /**
     * Another transaction saves the same natural key after this bulk request checked its records and before it
     * flushed: only the database's unique index sees the clash. The request waits for that transaction, then is
     * refused as a conflict (not a server error), and none of its records is written (ADR 17).
     */
    @Test
    void aClashOnlyTheDatabaseFindsIsAConflictAndTheBulkRequestWritesNothing() throws Exception {
        String taken = TestDb.uniqueIdentifier("HH");
        String fresh = TestDb.uniqueIdentifier("HH");
        long before = db.outgoing();
        try (OpenInsert other = new OpenInsert(taken)) {
            CompletableFuture<ValidatableResponse> request =
                    CompletableFuture.supplyAsync(() -> given().contentType(ContentType.JSON)
                            .body(List.of(
                                    Map.of("householdIdentifier", fresh, "village", "Oodi"),
                                    Map.of("householdIdentifier", taken, "village", "Gabane")))
                            .post(RECORDS + "study.household/bulk")
                            .then());
            // the request has checked its records (the other household is not committed, so no clash yet) and
            // waits for the other transaction's lock at its flush
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (db.count("SELECT COUNT(*) FROM information_schema.sessions WHERE blocker_id IS NOT NULL") == 0) {
                assertThat(System.nanoTime())
                        .as("the bulk request never waited")
                        .isLessThan(deadline);
                Thread.sleep(20);
            }
            other.commit();

            problem(request.get(30, TimeUnit.SECONDS), 409, "natural-key-taken")
                    .body("detail", containsString("saved concurrently"));
        }
        assertThat(db.outgoing()).as("only the other transaction's change").isEqualTo(before + 1);
        assertThat(db.count("SELECT COUNT(*) FROM household WHERE household_identifier = ?", fresh))
                .isZero();
    }

    /**
     * A save that waits for another transaction longer than the database's lock timeout (10 s: a bulk load of
     * thousands of records on a slow laptop holds the capture counter that long) is answered 503 with a time to
     * retry, and writes nothing.
     */
    @Test
    void aSaveThatWaitsLongerThanTheLockTimeoutIsAnsweredBusyAndWritesNothing() throws Exception {
        String waiting = TestDb.uniqueIdentifier("HH");
        long before = db.outgoing();
        try (OpenInsert other = new OpenInsert(TestDb.uniqueIdentifier("HH"))) {
            problem(
                            given().contentType(ContentType.JSON)
                                    .body(Map.of("householdIdentifier", waiting, "village", "Oodi"))
                                    .post(RECORDS + "study.household")
                                    .then(),
                            503,
                            "busy")
                    .header("Retry-After", notNullValue());
            other.commit();
        }
        assertThat(db.outgoing()).as("only the other transaction's change").isEqualTo(before + 1);
        assertThat(db.count("SELECT COUNT(*) FROM household WHERE household_identifier = ?", waiting))
                .isZero();
    }

    /**
     * A household inserted by another transaction, on a thread of its own, that stays open until {@link #commit}:
     * meanwhile it holds its natural key and the capture counter.
     */
    private final class OpenInsert implements AutoCloseable {

        private final CountDownLatch commit = new CountDownLatch(1);
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private final Future<?> done;

        OpenInsert(String identifier) throws InterruptedException {
            CountDownLatch inserted = new CountDownLatch(1);
            done = thread.submit(() -> QuarkusTransaction.requiringNew().run(() -> {
                Household household = new Household();
                household.setHouseholdIdentifier(identifier);
                household.setVillage("Lentsweletau");
                em.persist(household);
                em.flush();
                inserted.countDown();
                try {
                    if (!commit.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never let the other transaction commit");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }));
            assertThat(inserted.await(30, TimeUnit.SECONDS)).isTrue();
        }

        void commit() throws Exception {
            commit.countDown();
            done.get(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            commit.countDown();
            thread.shutdownNow();
        }
    }

    @Test
    void aBulkRequestIsCheckedAgainstTheStoredRecordsAndItsOwnEarlierOnes() {
        String household = createHousehold(TestDb.uniqueIdentifier("HH"));
        String subject = createSubject(TestDb.uniqueIdentifier("S"), household)
                .statusCode(201)
                .extract()
                .path("id");
        String otherSubject = createSubject(TestDb.uniqueIdentifier("S"), household)
                .statusCode(201)
                .extract()
                .path("id");
        bulk("study.subject_visit", List.of(visit(subject, "1000"))).statusCode(200);
        long before = db.outgoing();
        String twice = TestDb.uniqueIdentifier("HH");
        String id = java.util.UUID.randomUUID().toString();

        // a natural key twice in one request; an id twice; a composite key stored before, and twice in the request
        problem(
                        bulk(
                                "study.household",
                                List.of(
                                        Map.of("householdIdentifier", twice),
                                        Map.of("householdIdentifier", TestDb.uniqueIdentifier("HH")),
                                        Map.of("householdIdentifier", twice))),
                        409,
                        "natural-key-taken")
                .body("detail", containsString("Record [2]"))
                .body("detail", containsString("householdIdentifier=" + twice));
        problem(
                        bulk(
                                "study.household",
                                List.of(
                                        Map.of("id", id, "householdIdentifier", TestDb.uniqueIdentifier("HH")),
                                        Map.of("id", id, "householdIdentifier", TestDb.uniqueIdentifier("HH")))),
                        409,
                        "id-taken")
                .body("detail", containsString("Record [1]"));
        problem(
                        bulk(
                                "study.subject_visit",
                                List.of(visit(subject, "1001"), visit(otherSubject, "1000"), visit(subject, "1000"))),
                        409,
                        "natural-key-taken")
                .body("detail", containsString("Record [2]"))
                .body("detail", containsString("subjectId=" + subject + ", visitCode=1000"));
        problem(
                        bulk(
                                "study.subject_visit",
                                List.of(
                                        visit(otherSubject, "1002"),
                                        visit(otherSubject, "1003"),
                                        visit(java.util.UUID.randomUUID().toString(), "1000"))),
                        400,
                        "invalid-input")
                .body("errors.field", hasItems("[2].subjectId"));
        problem(
                        bulk("study.subject_visit", List.of(visit(otherSubject, "1004"), visit(otherSubject, "1004"))),
                        409,
                        "natural-key-taken")
                .body("detail", containsString("Record [1]"));

        assertThat(db.outgoing()).isEqualTo(before);
        bulk("study.subject_visit", List.of(visit(subject, "1001"), visit(otherSubject, "1000")))
                .statusCode(200)
                .body("created", equalTo(2));
        assertThat(db.outgoing()).isEqualTo(before + 2);
    }

    private static Map<String, Object> visit(String subject, String code) {
        return Map.of("subjectId", subject, "visitCode", code, "visitDatetime", "2026-12-01T10:00:00+02:00");
    }

    private static ValidatableResponse bulk(String model, List<Map<String, Object>> records) {
        return given().contentType(ContentType.JSON)
                .body(records)
                .post(RECORDS + model + "/bulk")
                .then();
    }

    @Test
    void historyTimeIsTheRecordsModifiedInOneRfc3339Rendering() {
        String id = createHousehold(TestDb.uniqueIdentifier("HH"));

        String modified = given().get(RECORDS + "study.household/" + id)
                .then()
                .statusCode(200)
                .extract()
                .path("modified");
        String changedAt = given().get(RECORDS + "study.household/" + id + "/history")
                .then()
                .statusCode(200)
                .extract()
                .path("[0].changedAt");

        org.assertj.core.api.Assertions.assertThat(changedAt)
                .isEqualTo(modified)
                .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z");
    }

    @Test
    void updateWithTheEditedVersionIsSavedAndKeptInHistory() {
        String id = createHousehold(TestDb.uniqueIdentifier("HH"));

        given().contentType(ContentType.JSON)
                .body(Map.of(
                        "householdIdentifier",
                        "X-" + id.substring(0, 8).toUpperCase(),
                        "village",
                        "Gabane",
                        "version",
                        0))
                .put(RECORDS + "study.household/" + id)
                .then()
                .statusCode(200)
                .body("version", equalTo(1))
                .body("village", equalTo("Gabane"));

        given().get(RECORDS + "study.household/" + id + "/history")
                .then()
                .statusCode(200)
                .body("action", org.hamcrest.Matchers.contains("INSERT", "UPDATE"))
                .body("[1].changes.village.from", equalTo("Oodi"))
                .body("[1].changes.village.to", equalTo("Gabane"))
                .body("[1].seq", notNullValue())
                .body("[1].deviceId", equalTo("test-laptop"));
    }

    @Test
    void updateOnAStaleVersionIsRefusedAndChangesNothing() {
        String identifier = TestDb.uniqueIdentifier("HH");
        String id = createHousehold(identifier);
        update(id, identifier, "Tlokweng", 0).statusCode(200);
        long before = db.outgoing();

        problem(update(id, identifier, "Mogoditshane", 0), 409, "stale-version")
                .body("detail", containsString("changed since version 0"));

        given().get(RECORDS + "study.household/" + id).then().body("village", equalTo("Tlokweng"));
        assertThat(db.outgoing()).isEqualTo(before);
    }

    @Test
    void updateWithoutVersionIsRefusedNamingTheField() {
        String id = createHousehold(TestDb.uniqueIdentifier("HH"));

        problem(
                        given().contentType(ContentType.JSON)
                                .body(Map.of("householdIdentifier", "HH-NOVERSION"))
                                .put(RECORDS + "study.household/" + id)
                                .then(),
                        400,
                        "invalid-input")
                .body("errors.field", hasItems("version"));
    }

    @Test
    void updateCannotChangeTheId() {
        String identifier = TestDb.uniqueIdentifier("HH");
        String id = createHousehold(identifier);

        problem(
                        given().contentType(ContentType.JSON)
                                .body(Map.of(
                                        "id",
                                        java.util.UUID.randomUUID().toString(),
                                        "householdIdentifier",
                                        identifier,
                                        "version",
                                        0))
                                .put(RECORDS + "study.household/" + id)
                                .then(),
                        400,
                        "invalid-input")
                .body("errors.field", hasItems("id"));
    }

    @Test
    void deletedRecordIsGoneButItsHistoryRemains() {
        String id = createHousehold(TestDb.uniqueIdentifier("HH"));

        given().delete(RECORDS + "study.household/" + id).then().statusCode(204);

        problem(given().get(RECORDS + "study.household/" + id).then(), 404, "record-not-found");
        given().get(RECORDS + "study.household/" + id + "/history")
                .then()
                .statusCode(200)
                .body("action", org.hamcrest.Matchers.contains("INSERT", "DELETE"));
    }

    @Test
    void deleteOfARecordOthersReferToIsRefusedAndChangesNothing() {
        String household = createHousehold(TestDb.uniqueIdentifier("HH"));
        createSubject(TestDb.uniqueIdentifier("S"), household).statusCode(201);
        long before = db.outgoing();

        problem(given().delete(RECORDS + "study.household/" + household).then(), 409, "record-referenced")
                .body("detail", org.hamcrest.Matchers.containsString("1 study.subject record (householdId)"))
                .body("detail", org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("FK_")));

        given().get(RECORDS + "study.household/" + household).then().statusCode(200);
        assertThat(db.outgoing()).isEqualTo(before);
    }

    @Test
    void deleteWithAStaleVersionIsRefused() {
        String id = createHousehold(TestDb.uniqueIdentifier("HH"));

        problem(
                given().queryParam("version", 7)
                        .delete(RECORDS + "study.household/" + id)
                        .then(),
                409,
                "stale-version");
    }

    @Test
    void naturalKeyClashIsAConflictAndChangesNothing() {
        String identifier = TestDb.uniqueIdentifier("HH");
        createHousehold(identifier);
        long before = db.outgoing();

        problem(
                        given().contentType(ContentType.JSON)
                                .body(Map.of("householdIdentifier", identifier))
                                .post(RECORDS + "study.household")
                                .then(),
                        409,
                        "natural-key-taken")
                .body("detail", containsString("householdIdentifier=" + identifier));

        assertThat(db.outgoing()).isEqualTo(before);
    }

    @Test
    void creatingWithAnIdThatExistsIsAConflict() {
        String id = createHousehold(TestDb.uniqueIdentifier("HH"));

        problem(
                given().contentType(ContentType.JSON)
                        .body(Map.of("id", id, "householdIdentifier", TestDb.uniqueIdentifier("HH")))
                        .post(RECORDS + "study.household")
                        .then(),
                409,
                "id-taken");
    }

    @Test
    void invalidFieldsAreAllListedAndNothingIsWritten() {
        long before = db.outgoing();

        problem(
                        given().contentType(ContentType.JSON)
                                .body(Map.of(
                                        "subjectIdentifier",
                                        "lower case",
                                        "gender",
                                        "X",
                                        "householdId",
                                        "not-a-uuid",
                                        "dob",
                                        "yesterday",
                                        "shoeSize",
                                        42))
                                .post(RECORDS + "study.subject")
                                .then(),
                        400,
                        "invalid-input")
                .body("errors.field", hasItems("householdId", "dob", "shoeSize"));

        problem(
                        given().contentType(ContentType.JSON)
                                .body(Map.of("subjectIdentifier", "lower case", "gender", "X"))
                                .post(RECORDS + "study.subject")
                                .then(),
                        400,
                        "invalid-input")
                .body("errors.field", hasItems("subjectIdentifier", "gender", "householdId", "consentDatetime"));

        assertThat(db.outgoing()).isEqualTo(before);
    }

    @Test
    void wrongJsonTypesAreRefusedNotCoerced() {
        problem(
                        given().contentType(ContentType.JSON)
                                .body("{\"subjectVisitId\":\"" + java.util.UUID.randomUUID()
                                        + "\",\"systolicBp\":\"120\"," + "\"diastolicBp\":80.5}")
                                .post(RECORDS + "study.vital_signs")
                                .then(),
                        400,
                        "invalid-input")
                .body("errors.field", hasItems("systolicBp", "diastolicBp"));
    }

    @Test
    void foreignKeyToAMissingRecordIsRefusedNamingTheField() {
        problem(
                        createSubject(
                                TestDb.uniqueIdentifier("S"),
                                java.util.UUID.randomUUID().toString()),
                        400,
                        "invalid-input")
                .body("errors[0].field", equalTo("householdId"))
                .body("errors[0].message", containsString("study.household record that does not exist"));
    }

    @Test
    void malformedJsonIsABadRequestProblem() {
        problem(
                given().contentType(ContentType.JSON)
                        .body("{\"householdIdentifier\": ")
                        .post(RECORDS + "study.household")
                        .then(),
                400,
                "malformed-json");
    }

    @Test
    void bodyThatIsNotAnObjectIsRefused() {
        problem(
                given().contentType(ContentType.JSON)
                        .body("[1,2]")
                        .post(RECORDS + "study.household")
                        .then(),
                400,
                "invalid-input");
        problem(
                given().contentType(ContentType.JSON)
                        .post(RECORDS + "study.household")
                        .then(),
                400,
                "invalid-input");
    }

    @Test
    void unknownModelAndUnknownRecordAreNotFound() {
        problem(
                given().contentType(ContentType.JSON)
                        .body("{}")
                        .post(RECORDS + "study.nothing")
                        .then(),
                404,
                "unknown-model");
        problem(
                given().get(RECORDS + "study.household/" + java.util.UUID.randomUUID())
                        .then(),
                404,
                "record-not-found");
        problem(given().get(RECORDS + "study.household/not-a-uuid").then(), 400, "invalid-input")
                .body("errors[0].field", equalTo("id"));
    }

    @Test
    void wrongContentTypeIsUnsupportedMediaType() {
        problem(
                given().contentType(ContentType.TEXT)
                        .body("householdIdentifier=HH-1")
                        .post(RECORDS + "study.household")
                        .then(),
                415,
                "http-415");
    }

    @Test
    void tooLongUserHeaderIsRefused() {
        problem(
                given().contentType(ContentType.JSON)
                        .header("X-Collect-User", "u".repeat(51))
                        .body(Map.of("householdIdentifier", TestDb.uniqueIdentifier("HH")))
                        .post(RECORDS + "study.household")
                        .then(),
                400,
                "invalid-input");
    }

    @Test
    void listingIsPagedOldestFirst() {
        createHousehold(TestDb.uniqueIdentifier("HH"));
        createHousehold(TestDb.uniqueIdentifier("HH"));

        int total = given().queryParam("size", 1)
                .get(RECORDS + "study.household")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(1))
                .body("page", equalTo(0))
                .extract()
                .path("total");
        assertThat(total).isGreaterThanOrEqualTo(2);
        problem(given().queryParam("size", 0).get(RECORDS + "study.household").then(), 400, "invalid-input");
        problem(given().queryParam("page", -1).get(RECORDS + "study.household").then(), 400, "invalid-input");
    }

    private String createHousehold(String identifier) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("householdIdentifier", identifier, "village", "Oodi"))
                .post(RECORDS + "study.household")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    private ValidatableResponse createSubject(String identifier, String household) {
        return given().contentType(ContentType.JSON)
                .body(Map.of(
                        "subjectIdentifier",
                        identifier,
                        "householdId",
                        household,
                        "gender",
                        "F",
                        "consentDatetime",
                        "2026-11-20T09:30:00+02:00"))
                .post(RECORDS + "study.subject")
                .then();
    }

    private ValidatableResponse update(String id, String identifier, String village, int version) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("householdIdentifier", identifier, "village", village, "version", version))
                .put(RECORDS + "study.household/" + id)
                .then();
    }

    static ValidatableResponse problem(ValidatableResponse response, int status, String kind) {
        return response.statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("type", equalTo("urn:collect-offline:problem:" + kind))
                .body("title", notNullValue());
    }
}
