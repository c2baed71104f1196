package io.collectoffline.client.capture;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.collectoffline.client.TestDb;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kill switch (django-collect-offline's ALLOW_MODEL_SERIALIZATION): records save, nothing is captured. */
@QuarkusTest
@TestProfile(CaptureKillSwitchTest.CaptureOff.class)
class CaptureKillSwitchTest {

    /** Capture switched off, on a database of its own. */
    public static class CaptureOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "sync.client.capture.enabled",
                    "false",
                    "quarkus.datasource.jdbc.url",
                    "jdbc:h2:mem:client-capture-off;DB_CLOSE_DELAY=-1");
        }
    }

    @Inject
    TestDb db;

    @Test
    void recordsStillSaveButNoTransactionIsWritten() {
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("householdIdentifier", TestDb.uniqueIdentifier("HH")))
                .post("/api/v1/records/study.household")
                .then()
                .statusCode(201)
                .extract()
                .path("id");

        assertThat(db.outgoing()).isZero();
        given().get("/api/v1/records/study.household/" + id + "/history")
                .then()
                .statusCode(200)
                .body("[0].action", equalTo("INSERT"))
                .body("[0].txId", nullValue());
    }

    @Test
    void statusSaysCaptureIsOff() {
        given().get("/api/v1/status")
                .then()
                .statusCode(200)
                .body("captureEnabled", equalTo(false))
                .body("pending", equalTo(0));
    }
}
