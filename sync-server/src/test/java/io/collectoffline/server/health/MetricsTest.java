package io.collectoffline.server.health;

import static io.collectoffline.server.Fixtures.household;
import static io.collectoffline.server.Fixtures.identifier;
import static io.collectoffline.server.Fixtures.producer;
import static io.collectoffline.server.Fixtures.send;
import static io.collectoffline.server.Fixtures.tx;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Prometheus metrics: queues per status, lag per producer, ingest and apply counters. */
@QuarkusTest
class MetricsTest {

    @Inject
    SyncMetrics metrics;

    @Test
    void ingestApplyAndPerProducerLagAreExposed() {
        String producer = producer();
        send(
                producer,
                List.of(tx(
                        producer,
                        1,
                        "study.household",
                        "INSERT",
                        household(UUID.randomUUID(), identifier("HH"), "M", 0))));
        await().untilAsserted(() -> given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("collect_apply_transactions_total")));

        metrics.refresh();

        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("collect_ingest_transactions_total{status=\"ACCEPTED\"}"))
                .body(containsString("collect_incoming_transactions{status=\"APPLIED\"}"))
                .body(containsString("collect_producer_lag{producer=\"" + producer + "\"}"))
                .body(containsString("collect_producer_last_seen_seconds{producer=\"" + producer + "\"}"))
                .body(containsString("collect_apply_lag_seconds"))
                .body(containsString("collect_forward_backlog"));
    }

    @Test
    void livenessDoesNotNeedTheDatabaseOrAnUpstream() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
    }
}
