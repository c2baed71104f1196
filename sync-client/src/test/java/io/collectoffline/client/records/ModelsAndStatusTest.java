package io.collectoffline.client.records;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItems;

import io.collectoffline.client.TestDb;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ModelsAndStatusTest {

    @Inject
    TestDb db;

    @Test
    void offlineModelsAreListedWithNaturalKeysAndReferences() {
        given().get("/api/v1/models")
                .then()
                .statusCode(200)
                .body(
                        "name",
                        contains(
                                "study.household",
                                "study.specimen_receipt",
                                "study.specimen_requisition",
                                "study.subject",
                                "study.subject_visit",
                                "study.visit_definition",
                                "study.vital_signs"))
                .body("find { it.name == 'study.subject_visit' }.naturalKey", contains("subjectId", "visitCode"))
                .body("find { it.name == 'study.subject_visit' }.references.subjectId", equalTo("study.subject"))
                .body("find { it.name == 'study.subject' }.table", equalTo("subject"))
                .body("offline", hasItems(true));
    }

    @Test
    void entitiesThatAreNotOfflineAreListedWithOfflineFalse() {
        given().queryParam("offline", "false")
                .get("/api/v1/models")
                .then()
                .statusCode(200)
                .body("name", contains("OutgoingTransaction", "RecordHistoryEntry"))
                .body("offline", contains(false, false));
    }

    @Test
    void offlineParameterMustBeABoolean() {
        RecordsResourceTest.problem(
                        given().queryParam("offline", "maybe")
                                .get("/api/v1/models")
                                .then(),
                        400,
                        "invalid-input")
                .body("errors[0].field", equalTo("offline"));
    }

    @Test
    void statusReportsCaptureAndPendingTransactions() {
        db.newHousehold(TestDb.uniqueIdentifier("HH"));
        long pending = db.count("SELECT COUNT(*) FROM outgoing_transaction WHERE delivered_at IS NULL");

        given().get("/api/v1/status")
                .then()
                .statusCode(200)
                .body("producer", equalTo("test-laptop"))
                .body("role", equalTo("field"))
                .body("captureEnabled", equalTo(true))
                .body("payloadCodec", equalTo("sealed"))
                .body("pending", equalTo((int) pending))
                .body("lastSeq", equalTo((int) db.lastSeq()))
                .body("oldestPendingAgeSeconds", greaterThanOrEqualTo(0))
                .body("offlineModels", equalTo(7));
    }

    @Test
    void unknownPathIsANotFoundProblem() {
        RecordsResourceTest.problem(given().get("/api/v1/nothing-here").then(), 404, "http-404");
    }
}
