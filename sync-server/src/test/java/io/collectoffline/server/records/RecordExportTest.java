package io.collectoffline.server.records;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.server.Fixtures;
import io.collectoffline.server.People;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Data out: a model's records and their audit history as CSV and JSON lines, filtered, streamed (issue 19). */
@QuarkusTest
class RecordExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A site of its own, with a field laptop that made three households (one changed twice, one on another day). */
    private record Site(String site, String laptop, List<UUID> households, List<String> identifiers) {

        static Site withHouseholds() {
            String site = "exp-" + UUID.randomUUID().toString().substring(0, 8);
            String laptop = "exp-laptop-" + UUID.randomUUID().toString().substring(0, 8);
            Map<String, Object> enrol = new HashMap<>(Map.of("deviceId", laptop, "role", "field"));
            enrol.put("site", site);
            String token = Fixtures.admin()
                    .contentType(ContentType.JSON)
                    .body(enrol)
                    .post("/api/v1/devices")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("token");
            List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
            List<String> keys =
                    List.of(Fixtures.identifier("HH"), Fixtures.identifier("HH"), Fixtures.identifier("HH"));
            List<Map<String, Object>> txs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Map<String, Object> fields = Fixtures.household(ids.get(i), keys.get(i), "Oodi, \"north\"", 0);
                fields.put("created", i == 2 ? "2026-11-25T10:00:00Z" : "2026-11-20T08:00:00Z");
                if (i == 2) {
                    fields.put("hostname_modified", null); // no value: empty in CSV, null in JSON lines
                }
                txs.add(Fixtures.tx(laptop, i + 1, "study.household", "INSERT", fields));
            }
            Map<String, Object> changed = Fixtures.household(ids.get(0), keys.get(0), "Line one\nline two", 1);
            txs.add(Fixtures.tx(laptop, 4, "study.household", "UPDATE", changed));
            given().auth()
                    .oauth2(token)
                    .contentType(ContentType.JSON)
                    .body(Fixtures.batchFrom(laptop, txs))
                    .post("/api/v1/batches")
                    .then()
                    .statusCode(200);
            await().untilAsserted(() -> Fixtures.admin()
                    .get("/api/v1/records/study.household/" + ids.get(0))
                    .then()
                    .statusCode(200)
                    .body("village", org.hamcrest.Matchers.startsWith("Line one")));
            return new Site(site, laptop, ids, keys);
        }
    }

    @Test
    void aModelsRecordsComeOutAsCsvWithItsColumnsInAStableOrderAndQuotedWhereNeeded() {
        Site s = Site.withHouseholds();
        List<String> columns = People.as("monitor")
                .get("/api/v1/exports/study.household/columns")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        Response csv = People.as("monitor").queryParam("site", s.site()).get("/api/v1/exports/study.household");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        assertThat(csv.header("Content-Disposition")).contains("attachment; filename=\"study.household-");
        List<List<String>> rows = parseCsv(csv.asString());
        assertThat(rows.get(0)).isEqualTo(columns).contains("id", "household_identifier", "village", "created");
        assertThat(rows).hasSize(4); // header + three households, each once (the changed one as it is now)
        int id = columns.indexOf("id");
        int village = columns.indexOf("village");
        // by creation time, then id
        // (the database orders UUIDs by their bytes, as their text sorts; Java's compareTo is signed)
        List<UUID> sameDay = s.households().subList(0, 2).stream()
                .sorted(java.util.Comparator.comparing(UUID::toString))
                .toList();
        assertThat(rows.subList(1, 4).stream()
                        .map(r -> UUID.fromString(r.get(id)))
                        .toList())
                .containsExactly(sameDay.get(0), sameDay.get(1), s.households().get(2));
        Map<String, String> villages = new HashMap<>();
        rows.subList(1, 4).forEach(r -> villages.put(r.get(id), r.get(village)));
        assertThat(villages.get(s.households().get(0).toString())).isEqualTo("Line one\nline two");
        assertThat(villages.get(s.households().get(1).toString())).isEqualTo("Oodi, \"north\"");
        assertThat(csv.asString())
                .isEqualTo(People.as("monitor")
                        .queryParam("site", s.site())
                        .get("/api/v1/exports/study.household")
                        .asString()); // the same export twice is the same bytes
    }

    @Test
    void filtersBySiteDayAndChangeSelectTheRecordsAndJsonLinesCarryTheSameValues() throws Exception {
        OffsetDateTime before = OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1);
        Site s = Site.withHouseholds();
        Site other = Site.withHouseholds();
        List<JsonNode> lines = jsonl(People.as("data-manager")
                .queryParam("format", "jsonl")
                .queryParam("site", s.site())
                .queryParam("from", "2026-11-25")
                .queryParam("to", "2026-11-25")
                .get("/api/v1/exports/study.household"));
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).get("id").asText())
                .isEqualTo(s.households().get(2).toString());
        assertThat(lines.get(0).get("household_identifier").asText())
                .isEqualTo(s.identifiers().get(2));
        assertThat(lines.get(0).get("hostname_modified").isNull()).isTrue();
        assertThat(lines.get(0).get("version").isNumber()).isTrue();

        assertThat(jsonl(People.as("monitor")
                        .queryParam("format", "jsonl")
                        .queryParam("site", other.site())
                        .queryParam("to", "2026-11-24")
                        .get("/api/v1/exports/study.household")))
                .extracting(n -> n.get("id").asText())
                .containsExactlyInAnyOrder(
                        other.households().get(0).toString(),
                        other.households().get(1).toString());
        // changed since: only what was applied at or after the instant
        assertThat(jsonl(People.as("monitor")
                        .queryParam("format", "jsonl")
                        .queryParam("changedSince", before.toString())
                        .get("/api/v1/exports/study.household")))
                .extracting(n -> n.get("id").asText())
                .contains(
                        s.households().get(0).toString(),
                        other.households().get(2).toString());
        assertThat(jsonl(People.as("monitor")
                        .queryParam("format", "jsonl")
                        .queryParam(
                                "changedSince",
                                OffsetDateTime.now(ZoneOffset.UTC).plusDays(1).toString())
                        .get("/api/v1/exports/study.household")))
                .isEmpty();
    }

    @Test
    void theAuditHistoryOfARecordSetListsEveryAppliedChangeWithWhoWhereAndWhen() throws Exception {
        Site s = Site.withHouseholds();
        List<JsonNode> history = jsonl(People.as("monitor")
                .queryParam("format", "jsonl")
                .queryParam("site", s.site())
                .get("/api/v1/exports/study.household/history"));
        assertThat(history).hasSize(4);
        assertThat(history).allSatisfy(h -> {
            assertThat(h.get("producer").asText()).isEqualTo(s.laptop());
            assertThat(h.get("site").asText()).isEqualTo(s.site());
            assertThat(h.get("user_modified").asText()).isEqualTo("tshepo");
            assertThat(h.get("applied_at").asText()).isNotEmpty();
        });
        assertThat(history).extracting(h -> h.get("seq").asLong()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(history.get(3).get("action").asText()).isEqualTo("UPDATE");
        assertThat(history.get(3).get("record_id").asText())
                .isEqualTo(s.households().get(0).toString());
        List<List<String>> csv = parseCsv(People.as("monitor")
                .queryParam("site", s.site())
                .get("/api/v1/exports/study.household/history")
                .asString());
        assertThat(csv.get(0)).startsWith("record_id", "tx_id", "action", "producer", "seq", "site");
        assertThat(csv).hasSize(5);
    }

    @Test
    void badFiltersAndUnknownModelsAreRefusedWithTheirReasonAndALabAssistantMayNotExport() {
        Fixtures.problem(
                        People.as("monitor")
                                .queryParam("format", "xlsx")
                                .queryParam("from", "yesterday")
                                .queryParam("site", "bad site!")
                                .get("/api/v1/exports/study.household")
                                .then(),
                        400,
                        "invalid-input")
                .body("errors.field", org.hamcrest.Matchers.hasItems("format"));
        Fixtures.problem(
                        People.as("monitor")
                                .queryParam("from", "yesterday")
                                .queryParam("to", "2026-13-01")
                                .queryParam("changedSince", "soon")
                                .get("/api/v1/exports/study.household")
                                .then(),
                        400,
                        "invalid-input")
                .body("errors.field", org.hamcrest.Matchers.hasItems("from", "to", "changedSince"));
        Fixtures.problem(
                People.as("monitor").get("/api/v1/exports/study.nothing").then(), 404, "unknown-model");
        People.as("lab-assistant").get("/api/v1/exports/study.household").then().statusCode(403);
        given().get("/api/v1/exports/study.household").then().statusCode(401);
    }

    private static List<JsonNode> jsonl(Response response) throws Exception {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/x-ndjson");
        List<JsonNode> lines = new ArrayList<>();
        for (String line : response.asString().split("\n")) {
            if (!line.isEmpty()) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    /** RFC 4180: quoted fields may hold commas, quotes (doubled) and line breaks; records end with CRLF. */
    private static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                field.append(c);
            }
        }
        return rows;
    }
}
