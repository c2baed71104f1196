package io.collectoffline.client.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.collectoffline.client.TestDb;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A catalogue of hostile and malformed requests against the laptop's API (DESIGN §5, invariant 7): each is
 * answered with the right 4xx problem+json, never a 5xx, and the laptop's records, outbox and history keep their
 * row counts.
 */
@QuarkusTest
class HostileInputCatalogueTest {

    @Inject
    TestDb db;

    /** One hostile request and the answer it must get. */
    record Case(String name, Supplier<Response> request, int status, String type) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> catalogue() {
        String records = "/api/v1/records/";
        List<Case> cases = new ArrayList<>();
        cases.add(new Case(
                "malformed JSON",
                () -> json("{\"householdIdentifier\": ").post(records + "study.household"),
                400,
                "malformed-json"));
        cases.add(new Case("unknown model", () -> json("{}").post(records + "study.secrets"), 404, "unknown-model"));
        cases.add(new Case(
                "path traversal as a model",
                () -> json("{}").post(records + "..%2F..%2Fetc%2Fpasswd"),
                404,
                "unknown-model"));
        cases.add(new Case(
                "wrong JSON types",
                () -> json("{\"householdIdentifier\": 12, \"enumerationDate\": true}")
                        .post(records + "study.household"),
                400,
                "invalid-input"));
        cases.add(new Case(
                "missing required fields",
                () -> json("{\"village\": \"Oodi\"}").post(records + "study.household"),
                400,
                "invalid-input"));
        cases.add(new Case(
                "SQL-looking natural key",
                () -> json(Map.of("householdIdentifier", "HH'; DROP TABLE household; --"))
                        .post(records + "study.household"),
                400,
                "invalid-input"));
        cases.add(new Case(
                "very long string",
                () -> json(Map.of("householdIdentifier", "HH-LONG", "village", "v".repeat(10_000)))
                        .post(records + "study.household"),
                400,
                "invalid-input"));
        cases.add(new Case(
                "huge number",
                () -> json("{\"subjectVisitId\": \"" + UUID.randomUUID() + "\", \"systolicBp\": 1e100}")
                        .post(records + "study.vital_signs"),
                400,
                "invalid-input"));
        cases.add(new Case(
                "unknown field",
                () -> json(Map.of("householdIdentifier", "HH-X", "isAdmin", true))
                        .post(records + "study.household"),
                400,
                "invalid-input"));
        cases.add(new Case(
                "audit fields cannot be forged",
                () -> json(Map.of("householdIdentifier", "bad id", "userCreated", "root"))
                        .post(records + "study.household"),
                400,
                "invalid-input"));
        cases.add(new Case(
                "invalid UUID in a path",
                () -> given().get(records + "study.household/1%27%20OR%201=1"),
                400,
                "invalid-input"));
        cases.add(new Case(
                "delete of an unknown record",
                () -> given().delete(records + "study.household/" + UUID.randomUUID()),
                404,
                "record-not-found"));
        cases.add(new Case(
                "update without version",
                () -> json(Map.of("householdIdentifier", "HH-1")).put(records + "study.household/" + UUID.randomUUID()),
                404,
                "record-not-found"));
        cases.add(new Case(
                "wrong content type",
                () -> given().contentType(ContentType.TEXT).body("x").post(records + "study.household"),
                415,
                "http-415"));
        cases.add(new Case(
                "too long user header",
                () -> json(Map.of("householdIdentifier", "HH-U"))
                        .header("X-Collect-User", "u".repeat(500))
                        .post(records + "study.household"),
                400,
                "invalid-input"));
        cases.add(new Case(
                "negative page",
                () -> given().queryParam("page", -5).get(records + "study.household"),
                400,
                "invalid-input"));
        cases.add(new Case(
                "non-numeric page",
                () -> given().queryParam("page", "all").get(records + "study.household"),
                400,
                "invalid-input"));
        cases.add(new Case(
                "retry of an unknown outbox transaction",
                () -> given().post("/api/v1/outbox/" + UUID.randomUUID() + "/retry"),
                409,
                "outbox-state"));
        cases.add(new Case(
                "offline filter of the wrong type",
                () -> given().queryParam("offline", "1; DROP").get("/api/v1/models"),
                400,
                "invalid-input"));
        // second round (issue 15, item 5)
        cases.add(new Case(
                "NUL character in a record field",
                () -> json("{\"householdIdentifier\": \"HH-NUL\", " + "\"village\": \"Oo\\u0000di\"}")
                        .post(records + "study.household"),
                400,
                "invalid-input"));
        cases.add(new Case(
                "duplicate JSON keys",
                () -> json("{\"householdIdentifier\": \"HH-D1\", "
                                + "\"householdIdentifier\": \"HH-D2\", \"village\": \"Oodi\"}")
                        .post(records + "study.household"),
                400,
                "malformed-json"));
        cases.add(new Case(
                "reconciliation receipt on a field laptop",
                () -> json("{\"requisitionIdentifier\": " + "\"REQ-1\"}").post("/api/v1/reconciliation/receipts"),
                409,
                "not-a-middleman"));
        cases.add(new Case(
                "pull page after a malformed producer",
                () -> given().auth()
                        .oauth2("test-pairing")
                        .queryParam("afterProducer", "../x")
                        .get("/api/v1/outbox"),
                400,
                "invalid-input"));
        // third round (issue 16: one converter for whole numbers, Bean Validation for paging)
        cases.add(new Case(
                "non-numeric limit of the refused list",
                () -> given().queryParam("limit", "all").get("/api/v1/outbox/rejected"),
                400,
                "invalid-input"));
        cases.add(new Case(
                "refused list page beyond the largest",
                () -> given().queryParam("limit", 5000).get("/api/v1/outbox/rejected"),
                400,
                "invalid-input"));
        cases.add(new Case(
                "non-numeric limit of the export files",
                () -> given().queryParam("limit", "1e3").get("/api/v1/files"),
                400,
                "invalid-input"));
        cases.add(new Case(
                "non-numeric pull position",
                () -> given().auth()
                        .oauth2("test-pairing")
                        .queryParam("afterSeq", "0x10")
                        .get("/api/v1/outbox"),
                400,
                "invalid-input"));
        // fourth round (issue 17: down-sync a middleman carries here)
        cases.add(new Case(
                "carried down-sync that is not a page",
                () -> given().auth()
                        .oauth2("test-pairing")
                        .contentType("application/json")
                        .body("[1, 2]")
                        .post("/api/v1/outbox/downsync"),
                400,
                "malformed-json"));
        cases.add(new Case(
                "carried down-sync entry without its transaction",
                () -> given().auth()
                        .oauth2("test-pairing")
                        .contentType("application/json")
                        .body("{\"device\": \"test-laptop\", \"entries\": [{\"order\": 1, \"previous\": 0}]}")
                        .post("/api/v1/outbox/downsync"),
                400,
                "invalid-input"));
        cases.add(new Case(
                "carried down-sync for another laptop",
                () -> given().auth()
                        .oauth2("test-pairing")
                        .contentType("application/json")
                        .body("{\"device\": \"someone-else\", \"entries\": []}")
                        .post("/api/v1/outbox/downsync"),
                400,
                "invalid-input"));
        cases.add(new Case(
                "carried down-sync without the pairing token",
                () -> given().contentType("application/json")
                        .body("{\"device\": \"test-laptop\", \"entries\": []}")
                        .post("/api/v1/outbox/downsync"),
                401,
                "unauthorized"));
        // fifth round (issue 19: the account list a middleman carries here)
        cases.add(new Case(
                "carried account list that is not a list",
                () -> given().auth()
                        .oauth2("test-pairing")
                        .contentType("application/json")
                        .body("[1, 2]")
                        .post("/api/v1/outbox/accounts"),
                400,
                "malformed-json"));
        cases.add(new Case(
                "carried account list without the time it was issued",
                () -> given().auth()
                        .oauth2("test-pairing")
                        .contentType("application/json")
                        .body("{\"accounts\": [{\"username\": \"mallory\"}]}")
                        .post("/api/v1/outbox/accounts"),
                400,
                "invalid-input"));
        cases.add(new Case(
                "carried account list with a null account",
                () -> given().auth()
                        .oauth2("test-pairing")
                        .contentType("application/json")
                        .body("{\"issued\": \"2099-01-01T00:00:00Z\", \"accounts\": [null]}")
                        .post("/api/v1/outbox/accounts"),
                400,
                "malformed-json")); // the list itself holds no null (AccountList)
        cases.add(new Case(
                "carried account list with a NUL in a name and a made-up signature",
                () -> given().auth()
                        .oauth2("test-pairing")
                        .contentType("application/json")
                        .body("{\"issued\": \"2099-01-01T00:00:00Z\", \"accounts\": [{\"username\": \"m\\u0000\", "
                                + "\"displayName\": \"M\", \"passwordHash\": \"x\"}], \"signer\": \"AAAA\", "
                                + "\"signature\": \"AAAA\"}")
                        .post("/api/v1/outbox/accounts"),
                400,
                "invalid-input"));
        cases.add(new Case(
                "carried account list without the pairing token",
                () -> given().contentType("application/json")
                        .body("{\"issued\": \"2099-01-01T00:00:00Z\", \"accounts\": []}")
                        .post("/api/v1/outbox/accounts"),
                401,
                "unauthorized"));
        cases.add(new Case(
                "a receipt that is not UTF-8 text",
                () -> given().contentType("application/octet-stream")
                        .body(new byte[] {(byte) 0xff, (byte) 0xfe, 0x0a, (byte) 0xc3, 0x28, 0x0a})
                        .post("/api/v1/files/receipts"),
                400,
                "unusable-file"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void hostileRequestIsRefusedWithoutAServerErrorAndChangesNothing(Case hostile) {
        Map<String, Long> before = counts();

        Response response = hostile.request().get();

        assertThat(response.statusCode())
                .as(hostile.name())
                .isEqualTo(hostile.status())
                .isLessThan(500);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.jsonPath().getString("type")).isEqualTo("urn:collect-offline:problem:" + hostile.type());
        assertThat(counts()).as("rows after " + hostile.name()).isEqualTo(before);
    }

    private static io.restassured.specification.RequestSpecification json(Object body) {
        return given().contentType(ContentType.JSON).body(body);
    }

    private Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : List.of(
                "outgoing_transaction", "record_history", "household", "subject", "vital_signs", "laptop_account")) {
            counts.put(table, db.count("SELECT COUNT(*) FROM " + table));
        }
        return counts;
    }
}
