package io.collectoffline.server.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.collectoffline.server.Fixtures;
import io.collectoffline.server.People;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Browsing records page by page, and an admin reading what a held transaction holds, audited (issue 19). */
@QuarkusTest
class RecordBrowsingTest {

    @Test
    void aModelsRecordsArePagedByCreationTimeThenIdWithTheirTotal() {
        String producer = Fixtures.producer();
        UUID id = UUID.randomUUID();
        Fixtures.send(
                producer,
                List.of(Fixtures.tx(
                        producer,
                        1,
                        "study.household",
                        "INSERT",
                        Fixtures.household(id, Fixtures.identifier("HH"), "Pg", 0))));
        await().untilAsserted(() -> Fixtures.admin()
                .get("/api/v1/records/study.household/" + id)
                .then()
                .statusCode(200));
        var first = People.as("monitor")
                .queryParam("limit", 1000)
                .get("/api/v1/records/study.household")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        long total = first.getLong("total");
        List<String> ids = first.getList("records.id");
        assertThat(ids).contains(id.toString()).hasSize((int) Math.min(total, 1000));
        if (total > 1) {
            List<String> second = People.as("monitor")
                    .queryParam("offset", 1)
                    .queryParam("limit", 1)
                    .get("/api/v1/records/study.household")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getList("records.id");
            assertThat(second).containsExactly(ids.get(1));
        }
        Fixtures.problem(
                People.as("monitor")
                        .queryParam("limit", 0)
                        .get("/api/v1/records/study.household")
                        .then(),
                400,
                "invalid-input");
        Fixtures.problem(
                People.as("monitor").get("/api/v1/records/study.nothing").then(), 404, "unknown-model");
    }

    @Test
    void aDataManagerReadsAHeldTransactionsContentAndTheViewingIsAudited() {
        String producer = Fixtures.producer();
        UUID subject = UUID.randomUUID();
        // a subject of a household that never arrived: DEFERRED, held back
        Fixtures.send(
                producer,
                List.of(Fixtures.tx(
                        producer,
                        1,
                        "study.subject",
                        "INSERT",
                        Fixtures.subject(subject, Fixtures.identifier("S"), UUID.randomUUID()))));
        String txId = await().until(
                        () -> Fixtures.admin()
                                .queryParam("producer", producer)
                                .get("/api/v1/incoming")
                                .then()
                                .extract()
                                .path("find { it.status == 'DEFERRED' }.txId"),
                        java.util.Objects::nonNull);
        People.as("data-manager")
                .get("/api/v1/incoming/" + txId + "/content")
                .then()
                .statusCode(200)
                .body("status", equalTo("DEFERRED"))
                .body("model", equalTo("study.subject"))
                .body("fields.id", equalTo(subject.toString()))
                .body("fields.initials", equalTo("KM"));
        People.as("monitor").get("/api/v1/incoming/" + txId + "/content").then().statusCode(403);
        Fixtures.admin()
                .get("/api/v1/users/audit")
                .then()
                .statusCode(200)
                .body(
                        "find { it.action == 'view-content' && it.target == '" + txId + "' }.actor",
                        equalTo(People.name("data-manager")));
        Fixtures.problem(
                People.as("data-manager")
                        .get("/api/v1/incoming/" + UUID.randomUUID() + "/content")
                        .then(),
                404,
                "transaction-not-found");
    }
}
