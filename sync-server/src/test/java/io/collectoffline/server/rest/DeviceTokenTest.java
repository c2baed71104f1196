package io.collectoffline.server.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.collectoffline.server.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The interim shared device token guards the device endpoints, and only them. */
@QuarkusTest
@TestProfile(DeviceTokenTest.WithToken.class)
class DeviceTokenTest {

    /** A server with a shared device token. */
    public static class WithToken implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sync.server.shared-device-token", "s3cret-field-token");
        }
    }

    @Test
    void batchesWithoutOrWithAWrongTokenAreUnauthorizedProblems() {
        String producer = Fixtures.producer();
        Map<String, Object> batch = Fixtures.batch(producer, List.of(Fixtures.tx(producer, 1, "study.household",
                "INSERT", Fixtures.household(UUID.randomUUID(), Fixtures.identifier("HH"), "X", 0))));

        Fixtures.problem(Fixtures.post(batch), 401, "unauthorized").header("WWW-Authenticate", equalTo("Bearer"));
        Fixtures.problem(given().contentType(ContentType.JSON).header("Authorization", "Bearer guess").body(batch)
                .post("/api/v1/batches").then(), 401, "unauthorized");
        Fixtures.problem(given().get("/api/v1/producers/" + producer + "/watermark").then(), 401, "unauthorized");

        given().contentType(ContentType.JSON).header("Authorization", "Bearer s3cret-field-token").body(batch)
                .post("/api/v1/batches").then().statusCode(200).body("results[0].status", equalTo("ACCEPTED"));
        given().header("Authorization", "Bearer s3cret-field-token")
                .get("/api/v1/producers/" + producer + "/watermark").then().statusCode(200);
    }
}
