package io.collectoffline.server.security;

import static io.collectoffline.server.Fixtures.admin;
import static io.collectoffline.server.Fixtures.batchFrom;
import static io.collectoffline.server.Fixtures.enrol;
import static io.collectoffline.server.Fixtures.household;
import static io.collectoffline.server.Fixtures.identifier;
import static io.collectoffline.server.Fixtures.tx;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.server.config.ActiveDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A catalogue of hostile and malformed requests against the server (DESIGN §5, invariant 7). Each is answered
 * with the right status — a 4xx problem+json, or for a bad transaction inside a readable batch a 200 whose result
 * is REJECTED — never a 5xx, and the data in the database is unchanged (row counts of the stored transactions,
 * study tables and devices before and after; refusals are added to the rejected-transaction log only).
 */
@QuarkusTest
class HostileInputCatalogueTest {

    private static final String FIELD =
            "cat-field-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String REVOKED =
            "cat-revoked-" + UUID.randomUUID().toString().substring(0, 8);
    private static volatile String fieldToken;
    private static volatile String revokedToken;

    @Inject
    ActiveDatabase database;

    /** One hostile request and the answer it must get. */
    record Case(String name, Function<Tokens, Response> request, int status, String type, String rejection) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The tokens a case may use. */
    record Tokens(String field, String revoked) {}

    @SuppressWarnings("unchecked")
    static Stream<Case> catalogue() throws Exception {
        List<Case> cases = new ArrayList<>();
        cases.add(problem("malformed JSON", t -> batchBody(t, "{\"batchId\": \"x\", "), 400, "invalid-input"));
        cases.add(problem("JSON array instead of a batch", t -> batchBody(t, "[1, 2, 3]"), 400, "invalid-input"));
        cases.add(problem("missing batchId", t -> batchJson(t, b -> b.remove("batchId")), 400, "invalid-input"));
        cases.add(problem(
                "batchId not a UUID", t -> batchJson(t, b -> b.put("batchId", "1-1-1-1-1")), 400, "invalid-input"));
        cases.add(problem("missing sender", t -> batchJson(t, b -> b.remove("sender")), 400, "invalid-input"));
        cases.add(problem(
                "transactions of the wrong type",
                t -> batchJson(t, b -> b.put("transactions", "all")),
                400,
                "invalid-input"));
        cases.add(problem(
                "no transactions", t -> batchJson(t, b -> b.put("transactions", List.of())), 400, "invalid-input"));
        cases.add(problem(
                "transaction without txId", t -> batchJson(t, b -> firstTx(b).remove("txId")), 400, "invalid-input"));
        cases.add(problem(
                "txId in a non-canonical form",
                t -> batchJson(t, b -> firstTx(b).put("txId", "1-1-1-1-1")),
                400,
                "invalid-input"));
        cases.add(problem(
                "too many transactions",
                t -> batchJson(t, b -> {
                    List<Object> many = new ArrayList<>();
                    for (int i = 0; i < 1001; i++) {
                        many.add(firstTx(b));
                    }
                    b.put("transactions", many);
                }),
                413,
                "too-large"));
        cases.add(problem(
                "oversized body",
                t -> batchBody(t, "{\"pad\": \"" + "x".repeat(17 * 1024 * 1024) + "\"}"),
                413,
                "too-large"));
        cases.add(problem(
                "gzip bomb",
                t -> device(t.field())
                        .contentType(ContentType.JSON)
                        .header("Content-Encoding", "gzip")
                        .body(gzip(new byte[40 * 1024 * 1024]))
                        .post("/api/v1/batches"),
                413,
                "too-large"));
        cases.add(problem(
                "corrupt gzip",
                t -> device(t.field())
                        .contentType(ContentType.JSON)
                        .header("Content-Encoding", "gzip")
                        .body(new byte[] {31, -117, 8, 0, 9, 9})
                        .post("/api/v1/batches"),
                400,
                "invalid-input"));
        cases.add(problem(
                "unsupported Content-Encoding",
                t -> device(t.field())
                        .contentType(ContentType.JSON)
                        .header("Content-Encoding", "br")
                        .body("{}")
                        .post("/api/v1/batches"),
                400,
                "invalid-input"));
        cases.add(problem(
                "wrong content type",
                t -> device(t.field())
                        .contentType(ContentType.TEXT)
                        .body("batch please")
                        .post("/api/v1/batches"),
                415,
                "http-415"));
        cases.add(problem(
                "absent token",
                t -> given().contentType(ContentType.JSON)
                        .body(validBatch(FIELD))
                        .post("/api/v1/batches"),
                401,
                "unauthorized"));
        cases.add(problem(
                "wrong token",
                t -> device("co_" + "A".repeat(43))
                        .contentType(ContentType.JSON)
                        .body(validBatch(FIELD))
                        .post("/api/v1/batches"),
                401,
                "unauthorized"));
        cases.add(problem(
                "revoked token",
                t -> device(t.revoked())
                        .contentType(ContentType.JSON)
                        .body(validBatch(REVOKED))
                        .post("/api/v1/batches"),
                401,
                "unauthorized"));
        cases.add(problem(
                "producer spoofing by a field device",
                t -> batchJson(t, b -> firstTx(b).put("producer", "someone-else")),
                403,
                "forbidden"));
        cases.add(problem(
                "sender spoofing", t -> batchJson(t, b -> b.put("sender", "someone-else")), 403, "forbidden"));
        cases.add(problem(
                "method not allowed",
                t -> device(t.field())
                        .contentType(ContentType.JSON)
                        .body(validBatch(FIELD))
                        .put("/api/v1/batches"),
                405,
                "http-405"));
        cases.add(rejected(
                "unknown model",
                t -> batchJson(t, b -> firstTx(b).put("model", "study.nothing")),
                "not an offline model"));
        cases.add(rejected("unknown action", t -> batchJson(t, b -> firstTx(b).put("action", "TRUNCATE")), "action"));
        cases.add(rejected("negative seq", t -> batchJson(t, b -> firstTx(b).put("seq", -1)), "seq"));
        cases.add(rejected(
                "huge seq",
                t -> batchJson(
                        t, b -> firstTx(b).put("seq", new java.math.BigInteger("100000000000000000000000000000"))),
                "seq"));
        cases.add(rejected(
                "seq of the wrong type", t -> batchJson(t, b -> firstTx(b).put("seq", "one")), "seq"));
        cases.add(rejected(
                "SQL-looking model name",
                t -> batchJson(t, b -> firstTx(b).put("model", "study.household'; DROP TABLE household; --")),
                "not an offline model"));
        cases.add(rejected(
                "very long producer",
                t -> batchJson(t, b -> firstTx(b).put("producer", "p".repeat(10_000))),
                "producer"));
        cases.add(rejected(
                "invalid recordId", t -> batchJson(t, b -> firstTx(b).put("recordId", "../../etc")), "recordId"));
        cases.add(rejected(
                "payload that is not base64",
                t -> batchJson(t, b -> firstTx(b).put("payload", "<script>alert(1)</script>")),
                "base64"));
        cases.add(problem(
                "path traversal in a model name",
                t -> admin().get("/api/v1/records/..%2F..%2Fetc%2Fpasswd/" + UUID.randomUUID()),
                404,
                "unknown-model"));
        cases.add(problem(
                "invalid UUID in a path", t -> admin().get("/api/v1/incoming/%27%20OR%201=1"), 400, "invalid-input"));
        cases.add(problem(
                "SQL-looking status filter",
                t -> admin().queryParam("status", "APPLIED' OR '1'='1").get("/api/v1/incoming"),
                400,
                "invalid-input"));
        cases.add(problem(
                "non-numeric limit",
                t -> admin().queryParam("limit", "all").get("/api/v1/incoming"),
                400,
                "invalid-input"));
        cases.add(problem(
                "admin endpoint with a device token",
                t -> device(t.field()).get("/api/v1/devices"),
                401,
                "unauthorized"));
        cases.add(problem(
                "enrolment with a path-traversal device id",
                t -> admin().contentType(ContentType.JSON)
                        .body(Map.of("deviceId", "../../etc/passwd", "role", "field"))
                        .post("/api/v1/devices"),
                400,
                "invalid-input"));
        cases.add(problem(
                "skip without a reason",
                t -> admin().contentType(ContentType.JSON)
                        .body("{}")
                        .header("X-Collect-User", "a")
                        .post("/api/v1/incoming/" + UUID.randomUUID() + "/skip"),
                400,
                "invalid-input"));
        cases.add(problem(
                "retry of an unknown transaction",
                t -> admin().post("/api/v1/incoming/" + UUID.randomUUID() + "/retry"),
                404,
                "transaction-not-found"));
        // second round (issue 15, item 5)
        cases.add(problem(
                "body over the HTTP layer's limit",
                t -> batchBody(t, "{\"pad\": \"" + "x".repeat(33 * 1024 * 1024) + "\"}"),
                413,
                "too-large"));
        cases.add(rejected(
                "NUL character in the model name",
                t -> batchJson(t, b -> firstTx(b).put("model", "study.house\u0000hold")),
                "not an offline model"));
        cases.add(rejected(
                "NUL character in a record field",
                t -> batchJson(
                        t,
                        b -> firstTx(b)
                                .putAll(tx(
                                        FIELD,
                                        2_000_000 + (long) (Math.random() * 1_000_000),
                                        "study.household",
                                        "INSERT",
                                        household(UUID.randomUUID(), identifier("HH"), "Oo\u0000di", 0)))),
                "NUL"));
        cases.add(rejected(
                "the same txId twice in a batch with different content",
                t -> batchJson(t, b -> {
                    Map<String, Object> other = new LinkedHashMap<>(firstTx(b));
                    other.put("seq", ((Number) other.get("seq")).longValue() + 1);
                    ((List<Object>) b.get("transactions")).add(other);
                }),
                "more than once in this batch"));
        cases.add(problem(
                "duplicate JSON keys (txId twice)",
                t -> batchBody(t, duplicateKey(validBatch(FIELD), "txId")),
                400,
                "invalid-input"));
        cases.add(problem(
                "duplicate JSON keys (seq twice)",
                t -> batchBody(t, duplicateKey(validBatch(FIELD), "seq")),
                400,
                "invalid-input"));
        cases.add(rejected(
                "capturedAt in the year 99999",
                t -> batchJson(t, b -> firstTx(b).put("capturedAt", "+99999-01-01T00:00:00Z")),
                "capturedAt"));
        cases.add(rejected(
                "reissuedFrom naming another device's stream",
                t -> batchJson(t, b -> firstTx(b).put("reissuedFrom", Map.of("producer", "someone-else", "seq", 1))),
                "reissuedFrom"));
        cases.add(problem(
                "held query with more than 1000 txIds",
                t -> device(t.field())
                        .contentType(ContentType.JSON)
                        .body(Map.of(
                                "txIds",
                                java.util.Collections.nCopies(
                                        1001, UUID.randomUUID().toString())))
                        .post("/api/v1/producers/" + FIELD + "/held"),
                400,
                "invalid-input"));
        cases.add(problem(
                "skip of a missing seq of an unknown producer",
                t -> admin().contentType(ContentType.JSON)
                        .header("X-Collect-User", "a")
                        .body(Map.of("reason", "r"))
                        .post("/api/v1/incoming/missing/nobody-"
                                + UUID.randomUUID().toString().substring(0, 8) + "/1/skip"),
                404,
                "producer-not-found"));
        cases.add(problem(
                "non-numeric seq in the refusals filter",
                t -> admin().queryParam("seq", "x").get("/api/v1/refusals"),
                400,
                "invalid-input"));
        // third round (issue 16: one converter for whole numbers, Bean Validation for paging and sites)
        cases.add(problem(
                "non-numeric seq in a path",
                t -> admin().contentType(ContentType.JSON)
                        .header("X-Collect-User", "a")
                        .body(Map.of("reason", "r"))
                        .post("/api/v1/incoming/missing/" + FIELD + "/9e9/skip"),
                400,
                "invalid-input"));
        cases.add(problem(
                "negative history offset",
                t -> admin().queryParam("offset", -1)
                        .get("/api/v1/records/study.household/" + UUID.randomUUID() + "/history"),
                400,
                "invalid-input"));
        cases.add(problem(
                "refusals page beyond the largest",
                t -> admin().queryParam("limit", 5000).get("/api/v1/refusals"),
                400,
                "invalid-input"));
        cases.add(problem(
                "status of a site that is no site id",
                t -> admin().queryParam("site", "../etc").get("/api/v1/status"),
                400,
                "invalid-input"));
        // fourth round (issue 17: the down-sync and a device's own key registration)
        cases.add(problem(
                "negative down-sync position",
                t -> device(t.field()).queryParam("after", -1).get("/api/v1/downsync"),
                400,
                "invalid-input"));
        cases.add(problem(
                "non-numeric down-sync position",
                t -> device(t.field()).queryParam("after", "1e3").get("/api/v1/downsync"),
                400,
                "invalid-input"));
        cases.add(problem(
                "down-sync page beyond the largest",
                t -> device(t.field()).queryParam("limit", 5000).get("/api/v1/downsync"),
                400,
                "invalid-input"));
        cases.add(problem(
                "down-sync of a device that registered no sealing key",
                t -> device(t.field()).get("/api/v1/downsync"),
                409,
                "no-sealing-key"));
        cases.add(problem(
                "down-sync for something that is no device id",
                t -> device(t.field()).queryParam("for", "../x").get("/api/v1/downsync"),
                400,
                "invalid-input"));
        cases.add(problem(
                "a field laptop asking for another device's down-sync",
                t -> device(t.field()).queryParam("for", REVOKED).get("/api/v1/downsync"),
                403,
                "forbidden"));
        cases.add(problem(
                "key registration that is an array",
                t -> device(t.field())
                        .contentType(ContentType.JSON)
                        .body("[1, 2]")
                        .post("/api/v1/registrations"),
                400,
                "malformed-json"));
        cases.add(problem(
                "key registration of another device",
                t -> device(t.field())
                        .contentType(ContentType.JSON)
                        .body(Map.of("deviceId", "someone-else", "keyId", "k", "publicKey", "p", "proof", "x"))
                        .post("/api/v1/registrations"),
                403,
                "forbidden"));
        cases.add(problem(
                "key registration with a key id that is not its key's",
                t -> device(t.field())
                        .contentType(ContentType.JSON)
                        .body(Map.of("deviceId", FIELD, "keyId", "k\u0001", "publicKey", "p", "proof", "x"))
                        .post("/api/v1/registrations"),
                400,
                "invalid-input"));
        // fifth round (issue 17: assignments)
        cases.add(problem(
                "assignment key with a NUL byte",
                t -> admin().contentType(ContentType.JSON)
                        .body(Map.of("model", "study.household", "keys", List.of("HH-1\u0000")))
                        .post("/api/v1/devices/" + FIELD + "/assignments"),
                400,
                "invalid-input"));
        cases.add(problem(
                "assignment of a model that does not exist",
                t -> admin().contentType(ContentType.JSON)
                        .body(Map.of("model", "study.nothing", "keys", List.of("HH-1")))
                        .post("/api/v1/devices/" + FIELD + "/assignments"),
                400,
                "invalid-input"));
        cases.add(problem(
                "assignment without keys",
                t -> admin().contentType(ContentType.JSON)
                        .body(Map.of("model", "study.household"))
                        .post("/api/v1/devices/" + FIELD + "/assignments"),
                400,
                "invalid-input"));
        cases.add(problem(
                "assignment of more keys than one request takes",
                t -> admin().contentType(ContentType.JSON)
                        .body(Map.of("model", "study.household", "keys", java.util.Collections.nCopies(1001, "HH-1")))
                        .post("/api/v1/devices/" + FIELD + "/assignments"),
                400,
                "invalid-input"));
        cases.add(problem(
                "assignment body that is an array",
                t -> admin().contentType(ContentType.JSON)
                        .body("[1]")
                        .post("/api/v1/devices/" + FIELD + "/assignments"),
                400,
                "malformed-json"));
        cases.add(problem(
                "assignment to a site that is no site id",
                t -> admin().contentType(ContentType.JSON)
                        .body(Map.of("model", "study.household", "keys", List.of("HH-1")))
                        .post("/api/v1/sites/no site!/assignments"),
                400,
                "invalid-input"));
        cases.add(problem(
                "unassigning a NUL key",
                t -> admin().queryParam("model", "study.household")
                        .queryParam("key", "\u0000")
                        .delete("/api/v1/devices/" + FIELD + "/assignments"),
                400,
                "invalid-input"));
        cases.add(problem(
                "assignments of a device that is not enrolled",
                t -> admin().get("/api/v1/devices/nobody-here/assignments"),
                404,
                "device-not-found"));
        for (String path : List.of("/api/v1/devices/{id}", "/api/v1/devices/{id}/assignments", "/api/v1/users/{id}")) {
            cases.add(problem(
                    "a NUL character in the path of " + path,
                    t -> admin().get(path, "a\u0000b"),
                    400,
                    "invalid-input"));
        }
        cases.add(problem(
                "a NUL character in the producer of a watermark",
                t -> device(t.field()).get("/api/v1/producers/{id}/watermark", "a\u0000b"),
                400,
                "invalid-input"));
        cases.add(problem(
                "a NUL character in a query parameter",
                t -> admin().queryParam("producer", "\u0000").get("/api/v1/incoming"),
                400,
                "invalid-input"));
        cases.add(problem(
                "a NUL character in the name to log in with",
                t -> given().contentType(ContentType.JSON)
                        .body(Map.of("username", "a\u0000b", "password", "a long password"))
                        .post("/api/v1/session"),
                400,
                "invalid-input"));
        // sixth round: what the central server refused, on the site
        for (String limit : List.of("0", "5000", "all")) {
            cases.add(problem(
                    "a page of refusals by the upstream of " + limit,
                    t -> admin().queryParam("limit", limit).get("/api/v1/forward/refused"),
                    400,
                    "invalid-input"));
        }
        for (String path : List.of("/api/v1/files", "/api/v1/files/receipts")) {
            cases.add(problem(
                    "a file that is not UTF-8 text, to " + path,
                    t -> admin().contentType(ContentType.BINARY)
                            .header("X-File-Name", "binary.colx")
                            .body(new byte[] {(byte) 0xff, (byte) 0xfe, 0x0a, (byte) 0xc3, 0x28, 0x0a})
                            .post(path),
                    400,
                    "file-refused"));
        }
        return cases.stream();
    }

    /** The batch as JSON text with {@code key} of its first transaction written twice (the second wins in Jackson). */
    private static String duplicateKey(Map<String, Object> batch, String key) {
        try {
            String text = json().writeValueAsString(batch);
            int at = text.indexOf("\"" + key + "\":");
            return text.substring(0, at) + "\"" + key + "\":"
                    + (key.equals("seq") ? "1" : "\"" + UUID.randomUUID() + "\"") + "," + text.substring(at);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void hostileRequestIsRefusedWithoutAServerErrorAndChangesNoData(Case hostile) throws Exception {
        Tokens tokens = tokens();
        Map<String, Long> before = counts();

        Response response = hostile.request().apply(tokens);

        assertThat(response.statusCode())
                .as(hostile.name())
                .isEqualTo(hostile.status())
                .isLessThan(500);
        if (hostile.type() != null) {
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.jsonPath().getString("type"))
                    .isEqualTo("urn:collect-offline:problem:" + hostile.type());
            assertThat(response.jsonPath().getInt("status")).isEqualTo(hostile.status());
        } else {
            assertThat(response.jsonPath().getString("results[0].status")).isEqualTo("REJECTED");
            assertThat(response.jsonPath().getString("results[0].reason")).contains(hostile.rejection());
        }
        assertThat(counts()).as("data after " + hostile.name()).isEqualTo(before);
    }

    private static Case problem(String name, Function<Tokens, Response> request, int status, String type) {
        return new Case(name, request, status, type, null);
    }

    private static Case rejected(String name, Function<Tokens, Response> request, String reason) {
        return new Case(name, request, 200, null, reason);
    }

    private static Tokens tokens() {
        if (fieldToken == null) {
            fieldToken = enrol(FIELD, "field");
            revokedToken = enrol(REVOKED, "field");
            admin().post("/api/v1/devices/" + REVOKED + "/revoke").then().statusCode(200);
        }
        return new Tokens(fieldToken, revokedToken);
    }

    private static RequestSpecification device(String token) {
        return given().auth().oauth2(token);
    }

    private static Response batchBody(Tokens t, String body) {
        return device(t.field()).contentType(ContentType.JSON).body(body).post("/api/v1/batches");
    }

    private static Response batchJson(Tokens t, java.util.function.Consumer<Map<String, Object>> change) {
        Map<String, Object> batch = validBatch(FIELD);
        change.accept(batch);
        return device(t.field()).contentType(ContentType.JSON).body(batch).post("/api/v1/batches");
    }

    private static Map<String, Object> validBatch(String producer) {
        return new LinkedHashMap<>(batchFrom(
                producer,
                new ArrayList<>(List.of(new LinkedHashMap<>(tx(
                        producer,
                        1_000_000 + (long) (Math.random() * 1_000_000),
                        "study.household",
                        "INSERT",
                        household(UUID.randomUUID(), identifier("HH"), "Hostile", 0)))))));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> firstTx(Map<String, Object> batch) {
        return (Map<String, Object>) ((List<Object>) batch.get("transactions")).get(0);
    }

    private static byte[] gzip(byte[] bytes) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(bytes);
            }
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Map<String, Long> counts() throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = database.dataSource().getConnection();
                Statement s = c.createStatement()) {
            for (String table : List.of("incoming_transaction", "producer_state", "household", "subject", "device")) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
        }
        return counts;
    }

    static ObjectMapper json() {
        return new ObjectMapper();
    }
}
