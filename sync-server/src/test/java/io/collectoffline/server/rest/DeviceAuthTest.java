package io.collectoffline.server.rest;

import static io.collectoffline.server.Fixtures.admin;
import static io.collectoffline.server.Fixtures.batchFrom;
import static io.collectoffline.server.Fixtures.enrol;
import static io.collectoffline.server.Fixtures.household;
import static io.collectoffline.server.Fixtures.identifier;
import static io.collectoffline.server.Fixtures.problem;
import static io.collectoffline.server.Fixtures.tx;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.collectoffline.server.People;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Enrolled devices and the admin token (DESIGN §7): who may call what. */
@QuarkusTest
class DeviceAuthTest {

    private static Map<String, Object> batchOf(String sender, String producer) {
        return batchFrom(
                sender,
                List.of(tx(
                        producer,
                        1,
                        "study.household",
                        "INSERT",
                        household(UUID.randomUUID(), identifier("HH"), "X", 0))));
    }

    @Test
    void enrolledDeviceGetsItsTokenOnceAndTheServerKeepsOnlyAHash() {
        String id = "field-" + UUID.randomUUID().toString().substring(0, 8);

        People.as("admin")
                .contentType(ContentType.JSON)
                .body(Map.of("deviceId", id, "role", "field"))
                .post("/api/v1/devices")
                .then()
                .statusCode(201)
                .body("deviceId", equalTo(id))
                .body("role", equalTo("field"))
                .body("token", startsWith("co_"));

        admin().get("/api/v1/devices/" + id)
                .then()
                .statusCode(200)
                .body("enrolledBy", equalTo(People.name("admin")))
                .body("token", nullValue())
                .body("revokedAt", nullValue());
        admin().get("/api/v1/devices").then().body("deviceId", hasItem(id));
        problem(
                admin().contentType(ContentType.JSON)
                        .body(Map.of("deviceId", id, "role", "field"))
                        .post("/api/v1/devices")
                        .then(),
                409,
                "device-conflict");
    }

    @Test
    void fieldDeviceSendsItsOwnTransactionsAndIsSeen() {
        String id = "field-" + UUID.randomUUID().toString().substring(0, 8);
        String token = enrol(id, "field");

        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(batchOf(id, id))
                .post("/api/v1/batches")
                .then()
                .statusCode(200)
                .body("results[0].status", equalTo("ACCEPTED"));

        admin().get("/api/v1/devices/" + id).then().body("lastSeenAt", notNullValue());
    }

    @Test
    void fieldDeviceSendingAnotherProducersTransactionIsForbiddenAndNothingStored() {
        String id = "field-" + UUID.randomUUID().toString().substring(0, 8);
        String token = enrol(id, "field");
        String victim = "field-" + UUID.randomUUID().toString().substring(0, 8);

        problem(
                        given().auth()
                                .oauth2(token)
                                .contentType(ContentType.JSON)
                                .body(batchOf(id, victim))
                                .post("/api/v1/batches")
                                .then(),
                        403,
                        "forbidden")
                .body("detail", containsString(victim));
        problem(
                        given().auth()
                                .oauth2(token)
                                .contentType(ContentType.JSON)
                                .body(batchOf(victim, victim))
                                .post("/api/v1/batches")
                                .then(),
                        403,
                        "forbidden")
                .body("detail", containsString("sender"));

        given().auth()
                .oauth2(Fixtures().relay())
                .get("/api/v1/producers/" + victim + "/watermark")
                .then()
                .statusCode(200)
                .body("seq", equalTo(0));
    }

    @Test
    void middlemanRelaysOtherProducersTransactions() {
        String id = "middleman-" + UUID.randomUUID().toString().substring(0, 8);
        String token = enrol(id, "middleman");
        String producer = "field-" + UUID.randomUUID().toString().substring(0, 8);

        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(batchOf(id, producer))
                .post("/api/v1/batches")
                .then()
                .statusCode(200)
                .body("results[0].status", equalTo("ACCEPTED"));
    }

    @Test
    void revokedDeviceIsRefusedFromItsNextRequest() {
        String id = "field-" + UUID.randomUUID().toString().substring(0, 8);
        String token = enrol(id, "field");
        given().auth()
                .oauth2(token)
                .get("/api/v1/producers/" + id + "/watermark")
                .then()
                .statusCode(200);

        People.as("admin")
                .post("/api/v1/devices/" + id + "/revoke")
                .then()
                .statusCode(200)
                .body("revokedBy", equalTo(People.name("admin")))
                .body("revokedAt", notNullValue());

        problem(
                        given().auth()
                                .oauth2(token)
                                .get("/api/v1/producers/" + id + "/watermark")
                                .then(),
                        401,
                        "unauthorized")
                .header("WWW-Authenticate", equalTo("Bearer"));
        problem(admin().post("/api/v1/devices/" + id + "/revoke").then(), 409, "device-conflict");
        problem(admin().post("/api/v1/devices/never-enrolled/revoke").then(), 404, "device-not-found");
    }

    @Test
    void deviceEndpointsNeedAValidDeviceToken() {
        Map<String, Object> batch = batchOf("nobody", "nobody");
        problem(
                given().contentType(ContentType.JSON)
                        .body(batch)
                        .post("/api/v1/batches")
                        .then(),
                401,
                "unauthorized");
        problem(
                given().auth()
                        .oauth2("co_guessed")
                        .contentType(ContentType.JSON)
                        .body(batch)
                        .post("/api/v1/batches")
                        .then(),
                401,
                "unauthorized");
        problem(
                given().auth()
                        .oauth2(io.collectoffline.server.Fixtures.ADMIN_TOKEN)
                        .contentType(ContentType.JSON)
                        .body(batch)
                        .post("/api/v1/batches")
                        .then(),
                401,
                "unauthorized");
        problem(given().get("/api/v1/keys/current").then(), 401, "unauthorized");
    }

    @Test
    void adminEndpointsNeedTheAdminToken() {
        String device = enrol("field-" + UUID.randomUUID().toString().substring(0, 8), "field");
        problem(given().get("/api/v1/status").then(), 401, "unauthorized");
        problem(given().auth().oauth2("wrong").get("/api/v1/incoming").then(), 401, "unauthorized");
        problem(given().auth().oauth2(device).get("/api/v1/devices").then(), 401, "unauthorized");
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void eachRoleReachesOnlyItsOwnEndpoints() {
        String device = enrol("field-" + UUID.randomUUID().toString().substring(0, 8), "field");
        // the admin token is not a device's: device endpoints refuse it like any token of the wrong kind
        problem(admin().get("/api/v1/keys/current").then(), 401, "unauthorized")
                .header("WWW-Authenticate", equalTo("Bearer"))
                .body("detail", org.hamcrest.Matchers.containsString("device"));
        problem(admin().get("/api/v1/producers/" + device + "/watermark").then(), 401, "unauthorized");
        problem(given().auth().oauth2(device).post("/api/v1/forward").then(), 401, "unauthorized")
                .body("detail", org.hamcrest.Matchers.containsString("session or API token"));
        given().auth().oauth2(device).get("/api/v1/keys/current").then().statusCode(200);
        admin().get("/api/v1/status").then().statusCode(200);
        // pages, health and OpenAPI stay open whatever header a client sends
        given().auth().oauth2("no-ones-token").get("/q/health/live").then().statusCode(200);
        given().auth().oauth2("no-ones-token").get("/admin").then().statusCode(200);
        given().auth().oauth2("no-ones-token").get("/q/openapi").then().statusCode(200);
    }

    @Test
    void devicesFetchTheServersPublicKey() {
        String token = enrol("field-" + UUID.randomUUID().toString().substring(0, 8), "field");

        given().auth()
                .oauth2(token)
                .get("/api/v1/keys/current")
                .then()
                .statusCode(200)
                .body("keyId", startsWith("sk-"))
                .body("algorithm", equalTo("X25519"))
                .body("publicKey", notNullValue())
                .body("privateKey", nullValue());
    }

    @Test
    void enrolmentIsValidated() {
        problem(
                        admin().contentType(ContentType.JSON)
                                .body(Map.of("deviceId", "bad id!", "role", "boss"))
                                .post("/api/v1/devices")
                                .then(),
                        400,
                        "invalid-input")
                .body("errors.field", org.hamcrest.Matchers.hasItems("deviceId", "role"));
    }

    private static io.collectoffline.server.Fixtures.Tokens Fixtures() {
        return new io.collectoffline.server.Fixtures.Tokens();
    }
}
