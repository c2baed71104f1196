package io.collectoffline.client.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import io.collectoffline.client.TestDb;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The laptop's metrics, and health that never depends on the network. */
@QuarkusTest
class MetricsAndHealthTest {

    @Inject
    TestDb db;

    @Inject
    OutboxMetrics metrics;

    @Test
    void outboxGaugesAreExposed() {
        db.newHousehold(TestDb.uniqueIdentifier("HH"));
        metrics.refresh();

        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("collect_outbox_pending"))
                .body(containsString("collect_outbox_oldest_pending_age_seconds"))
                .body(containsString("collect_outbox_rejected"));
    }

    @Test
    void aLaptopWithoutAnyServerIsLiveAndReady() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
    }
}
