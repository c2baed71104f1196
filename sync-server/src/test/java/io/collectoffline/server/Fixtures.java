package io.collectoffline.server;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds transactions the way a client's capture trigger does (plain-json codec) and posts them. */
public final class Fixtures {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The API token of the admin the tests act as ({@link HarnessAdmin}). */
    public static final String ADMIN_TOKEN = io.collectoffline.testing.ServerAdmin.TOKEN;

    private static volatile String relayToken;

    private Fixtures() {}

    /** A fresh producer id, so that tests sharing one database never meet. */
    public static String producer() {
        return "p-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A fresh natural key. */
    public static String identifier(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    }

    public static Map<String, Object> household(UUID id, String identifier, String village, long version) {
        Map<String, Object> fields = audit(id, version);
        fields.put("household_identifier", identifier);
        fields.put("village", village);
        fields.put("enumeration_date", "2026-11-20");
        return fields;
    }

    public static Map<String, Object> subject(UUID id, String identifier, UUID household) {
        Map<String, Object> fields = audit(id, 0);
        fields.put("subject_identifier", identifier);
        fields.put("household_id", household.toString());
        fields.put("initials", "KM");
        fields.put("gender", "F");
        fields.put("dob", "1991-04-05");
        fields.put("consent_datetime", "2026-11-20T08:30:00Z");
        return fields;
    }

    public static Map<String, Object> visit(UUID id, UUID subject, String visitCode) {
        Map<String, Object> fields = audit(id, 0);
        fields.put("subject_id", subject.toString());
        fields.put("visit_code", visitCode);
        fields.put("visit_datetime", "2026-11-20T09:00:00Z");
        fields.put("reason", "scheduled");
        return fields;
    }

    /** A visit of the schedule (a reference model), under a fresh code. */
    public static Map<String, Object> visitDefinition(UUID id, String title) {
        Map<String, Object> fields = audit(id, 0);
        fields.put(
                "visit_code",
                String.format("%04d.%d", (id.hashCode() & 0x7fffffff) % 10_000, (id.hashCode() >>> 4 & 0xfff) % 10));
        fields.put("title", title);
        fields.put("days_after_enrolment", 182);
        return fields;
    }

    public static Map<String, Object> requisition(UUID id, String identifier, UUID visit, boolean drawn) {
        Map<String, Object> fields = audit(id, 0);
        fields.put("requisition_identifier", identifier);
        fields.put("subject_visit_id", visit.toString());
        fields.put("panel", "viral_load");
        fields.put("is_drawn", drawn);
        fields.put("drawn_datetime", drawn ? "2026-11-20T09:30:00Z" : null);
        return fields;
    }

    private static Map<String, Object> audit(UUID id, long version) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", id.toString());
        fields.put("version", version);
        fields.put("created", "2026-11-20T08:00:00Z");
        fields.put("modified", "2026-11-20T08:0" + Math.min(version, 9) + ":00Z");
        fields.put("user_created", "tshepo");
        fields.put("user_modified", "tshepo");
        fields.put("hostname_created", "field-laptop");
        fields.put("hostname_modified", "field-laptop");
        fields.put("device_created", "laptop-01");
        fields.put("device_modified", "laptop-01");
        return fields;
    }

    /** One envelope as JSON, payload sealed with plain-json. */
    public static Map<String, Object> tx(
            String producer, long seq, String model, String action, Map<String, Object> fields) {
        return tx(producer, seq, model, action, fields, UUID.randomUUID(), 0, null);
    }

    /** One envelope whose payload carries the record's lineage: revision {@code rev}, made on {@code base}. */
    public static Map<String, Object> tx(
            String producer,
            long seq,
            String model,
            String action,
            Map<String, Object> fields,
            UUID txId,
            long rev,
            UUID base) {
        Map<String, Object> snapshot = new LinkedHashMap<>();
        snapshot.put("model", model);
        snapshot.put("schemaVersion", model.equals("study.household") ? 2 : 1);
        snapshot.put("fields", fields);
        if (rev > 0) {
            snapshot.put("rev", rev);
            snapshot.put("baseTxId", base == null ? null : base.toString());
        }
        Map<String, Object> tx = new LinkedHashMap<>();
        tx.put("txId", txId.toString());
        tx.put("producer", producer);
        tx.put("seq", seq);
        tx.put("model", model);
        tx.put("recordId", fields.get("id"));
        tx.put("action", action);
        tx.put("capturedAt", "2026-11-20T08:00:00Z");
        tx.put("keyId", "plain-json");
        tx.put("payload", base64(snapshot));
        return tx;
    }

    public static String base64(Object json) {
        try {
            return Base64.getEncoder()
                    .encodeToString(JSON.writeValueAsString(json).getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A batch delivered by the test relay device (any producer's transactions). */
    public static Map<String, Object> batch(String producerOrIgnored, List<Map<String, Object>> transactions) {
        return batchFrom(RELAY, transactions);
    }

    public static Map<String, Object> batchFrom(String sender, List<Map<String, Object>> transactions) {
        Map<String, Object> batch = new LinkedHashMap<>();
        batch.put("batchId", UUID.randomUUID().toString());
        batch.put("sender", sender);
        batch.put("transactions", new ArrayList<>(transactions));
        return batch;
    }

    public static ValidatableResponse post(Map<String, Object> batch) {
        return device().contentType(ContentType.JSON)
                .body(batch)
                .post("/api/v1/batches")
                .then();
    }

    /** A request as the administrator. */
    public static RequestSpecification admin() {
        return given().auth().oauth2(ADMIN_TOKEN);
    }

    /**
     * A request as a relay device (role {@code server}), which may deliver any producer's transactions; its
     * batches name it as sender.
     */
    public static RequestSpecification device() {
        return given().auth().oauth2(relayToken());
    }

    /** Enrols a device through the admin API and returns its token. */
    public static String enrol(String deviceId, String role) {
        return admin().contentType(ContentType.JSON)
                .body(Map.of("deviceId", deviceId, "role", role))
                .post("/api/v1/devices")
                .then()
                .statusCode(201)
                .extract()
                .path("token");
    }

    private static String relayToken() {
        if (relayToken == null) {
            synchronized (Fixtures.class) {
                if (relayToken == null) {
                    relayToken = enrol(RELAY, "server");
                }
            }
        }
        return relayToken;
    }

    /** Tokens of the test devices. */
    public static final class Tokens {
        public String relay() {
            return relayToken();
        }
    }

    /** The id of the relay device that {@link #device()} authenticates as. */
    public static final String RELAY =
            "test-relay-" + UUID.randomUUID().toString().substring(0, 8);

    /** Posts and returns the per-transaction statuses in order. */
    public static List<String> send(String sender, List<Map<String, Object>> transactions) {
        return post(batch(sender, transactions))
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("results.status");
    }

    public static ValidatableResponse problem(ValidatableResponse response, int status, String kind) {
        return response.statusCode(status)
                .contentType("application/problem+json")
                .body("status", org.hamcrest.Matchers.equalTo(status))
                .body("type", org.hamcrest.Matchers.equalTo("urn:collect-offline:problem:" + kind));
    }
}
