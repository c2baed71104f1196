package io.collectoffline.client.records;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.client.TestDb;
import io.collectoffline.client.capture.CaptureTrigger;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A record's history on the laptop, against what the capture wrote into each change's payload (a full row, in the
 * same rendering): an INSERT lists every value it was made with, whatever came after it.
 */
@QuarkusTest
class RecordHistoryTest {

    private static final String RECORDS = "/api/v1/records/";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    TestDb db;

    @Test
    void anInsertsHistoryListsTheValuesTheRecordWasMadeWithAsItsCapturedChangeHoldsThem() throws Exception {
        String household = created(
                "study.household",
                Map.of(
                        "householdIdentifier",
                        TestDb.uniqueIdentifier("HH"),
                        "village",
                        "Oodi",
                        "enumerationDate",
                        "2026-11-02"));
        String subject = created(
                "study.subject",
                Map.of(
                        "subjectIdentifier", TestDb.uniqueIdentifier("S"),
                        "householdId", household,
                        "initials", "NDB",
                        "gender", "F",
                        "dob", "1990-04-30",
                        "consentDatetime", "2026-11-20T09:30:00.123456+02:00"));
        String visit = created(
                "study.subject_visit",
                Map.of("subjectId", subject, "visitCode", "1000", "visitDatetime", "2026-12-01T10:00:00+02:00"));
        String vitals = created(
                "study.vital_signs",
                Map.of(
                        "subjectVisitId",
                        visit,
                        "reportDatetime",
                        "2026-12-01T10:05:00+02:00",
                        "weightKg",
                        62.5,
                        "heightCm",
                        163,
                        "systolicBp",
                        121,
                        "temperatureC",
                        36.6,
                        "comments",
                        "Seated, calm; \"second\" reading kept."));

        for (var made : Map.of(
                        "study.household", household,
                        "study.subject", subject,
                        "study.subject_visit", visit,
                        "study.vital_signs", vitals)
                .entrySet()) {
            JsonNode history = history(made.getKey(), made.getValue());
            assertThat(history.size()).isEqualTo(1);
            assertThat(history.get(0).path("changes"))
                    .as(made.getKey())
                    .isEqualTo(fromNull(db.capturedFields(made.getKey(), UUID.fromString(made.getValue()), 0)));
        }
    }

    @Test
    void anInsertsHistoryStaysWhatTheRecordWasMadeWithAfterUpdatesADeleteAndAMakingAgain() throws Exception {
        String id = UUID.randomUUID().toString();
        String identifier = TestDb.uniqueIdentifier("HH");
        given().contentType(ContentType.JSON)
                .body(List.of(Map.of(
                        "id",
                        id,
                        "householdIdentifier",
                        identifier,
                        "village",
                        "Oodi",
                        "enumerationDate",
                        "2026-11-02")))
                .post(RECORDS + "study.household/bulk")
                .then()
                .statusCode(200);
        // a PUT replaces every field: the enumeration date is cleared here, the village in the next
        update(id, Map.of("householdIdentifier", identifier, "village", "Gabane", "version", 0));
        update(id, Map.of("householdIdentifier", identifier, "version", 1));
        update(id, Map.of("householdIdentifier", identifier, "village", "Mochudi", "version", 2));
        given().delete(RECORDS + "study.household/" + id).then().statusCode(204);
        given().contentType(ContentType.JSON)
                .body(List.of(Map.of("id", id, "householdIdentifier", identifier, "village", "Tlokweng")))
                .post(RECORDS + "study.household/bulk")
                .then()
                .statusCode(200);
        update(id, Map.of("householdIdentifier", identifier, "village", "Lobatse", "version", 0));

        JsonNode history = history("study.household", id);
        assertThat(history.findValuesAsText("action"))
                .containsExactly("INSERT", "UPDATE", "UPDATE", "UPDATE", "DELETE", "INSERT", "UPDATE");
        UUID record = UUID.fromString(id);
        assertThat(history.get(0).path("changes")).isEqualTo(fromNull(db.capturedFields("study.household", record, 0)));
        assertThat(history.get(0).path("changes").path("village").path("to").asText())
                .isEqualTo("Oodi");
        assertThat(history.get(5).path("changes")).isEqualTo(fromNull(db.capturedFields("study.household", record, 5)));
        assertThat(history.get(5).path("changes").path("village").path("to").asText())
                .isEqualTo("Tlokweng");
        assertThat(history.get(2).path("changes").toString())
                .isEqualTo("{\"village\":{\"from\":\"Gabane\",\"to\":null}}");
        assertThat(history.get(0)
                        .path("changes")
                        .path("enumeration_date")
                        .path("to")
                        .asText())
                .isEqualTo("2026-11-02");
        assertThat(history.get(4).path("changes").path("village").path("from").asText())
                .isEqualTo("Mochudi");
    }

    /** The changes an INSERT made: from null to each value of the row that is not null, audit fields left out. */
    private static ObjectNode fromNull(ObjectNode fields) {
        ObjectNode changes = JSON.createObjectNode();
        fields.properties().forEach(field -> {
            if (!field.getValue().isNull() && !CaptureTrigger.NOT_IN_HISTORY.contains(field.getKey())) {
                changes.putObject(field.getKey()).putNull("from").set("to", field.getValue());
            }
        });
        return changes;
    }

    private static String created(String model, Map<String, Object> record) {
        return given().contentType(ContentType.JSON)
                .body(record)
                .post(RECORDS + model)
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    private static void update(String id, Map<String, Object> record) {
        given().contentType(ContentType.JSON)
                .body(record)
                .put(RECORDS + "study.household/" + id)
                .then()
                .statusCode(200);
    }

    private static JsonNode history(String model, String id) throws Exception {
        return JSON.readTree(given().get(RECORDS + model + "/" + id + "/history")
                .then()
                .statusCode(200)
                .extract()
                .asString());
    }
}
