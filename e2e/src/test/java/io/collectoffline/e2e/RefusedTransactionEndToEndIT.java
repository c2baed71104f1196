package io.collectoffline.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.collectoffline.testing.AppProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README Guarantees 9 with real processes: transactions a server refuses on arrival (here: unencrypted payloads,
 * refused by its configuration) leave a gap that its producer's later transactions wait at — the server says why,
 * and once the cause is fixed (the server reconfigured) the laptop's own re-send applies them, and everything
 * arrives exactly once. Nothing waits for ever without a reason and a way out.
 */
class RefusedTransactionEndToEndIT {

    @TempDir
    Path dir;

    @BeforeEach
    void freshServerDatabase() throws Exception {
        Nodes.resetServerDatabase();
    }

    @Test
    void refusedTransactionsAreExplainedAndApplyOnceTheServerAcceptsThem() throws Exception {
        int port = AppProcess.freePort();
        Path laptop = dir.resolve("laptop");
        List<UUID> ids = new ArrayList<>();
        String token;
        try (AppProcess server =
                Nodes.serverWith(dir, port, Nodes.JDBC, "-Dsync.server.ingest.accept-plain-json=false")) {
            token = Nodes.enrolLaptop(server);
            try (AppProcess client = Nodes.laptopIn(
                            laptop, "field-e2e", port, token, "-Dsync.client.payload.codec=plain-json")
                    .awaitReady()) {
                ids.addAll(Nodes.enterHouseholdsWithSubjects(client, 0, 1)); // seqs 1, 2: unencrypted
                given().baseUri(client.baseUrl())
                        .queryParam("wait", true)
                        .post("/api/v1/push")
                        .then()
                        .body("rejected", equalTo(2));
                given().baseUri(client.baseUrl())
                        .get("/api/v1/outbox/rejected")
                        .then()
                        .body("[0].reason", containsString("plain"));
            }
            try (AppProcess client = Nodes.laptopIn(
                            laptop, "field-e2e", port, token, "-Dsync.client.push.resend-rejected-after=0s")
                    .awaitReady()) {
                ids.addAll(Nodes.enterHouseholdsWithSubjects(client, 1, 1)); // seqs 3, 4: sealed
                given().baseUri(client.baseUrl())
                        .queryParam("wait", true)
                        .post("/api/v1/push")
                        .then()
                        .body("accepted", equalTo(2))
                        .body("rejected", equalTo(2));
            }
            // the sealed ones are stored but wait behind the refused seq 1, and the admin is told why
            await().untilAsserted(() -> Nodes.admin(server)
                    .get("/api/v1/status")
                    .then()
                    .body("producers.find { it.producer == 'field-e2e' }.waitingForSeq", equalTo(1))
                    .body(
                            "producers.find { it.producer == 'field-e2e' }.waitingReason",
                            containsString("refused on arrival"))
                    .body(
                            "producers.find { it.producer == 'field-e2e' }.waitingReason",
                            containsString("from field-e2e")));
            assertThat(Nodes.serverCount("SELECT COUNT(*) FROM household")).isZero();
        }
        // the cause is fixed on the server; the laptop re-sends what was refused by itself
        try (AppProcess server =
                        Nodes.serverWith(dir, port, Nodes.JDBC, "-Dsync.server.ingest.accept-plain-json=true");
                AppProcess client = Nodes.laptopIn(
                                laptop, "field-e2e", port, token, "-Dsync.client.push.resend-rejected-after=0s")
                        .awaitReady()) {
            given().baseUri(client.baseUrl())
                    .queryParam("wait", true)
                    .post("/api/v1/push")
                    .then()
                    .body("outcome", equalTo("DELIVERED"))
                    .body("accepted", equalTo(2))
                    .body("rejected", equalTo(0));
            given().baseUri(client.baseUrl()).get("/api/v1/status").then().body("pending", equalTo(0));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(Nodes.serverCount("SELECT COUNT(*) FROM household")).isEqualTo(2);
                assertThat(Nodes.serverCount("SELECT COUNT(*) FROM subject")).isEqualTo(2);
                assertThat(Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction WHERE status = 'APPLIED'"))
                        .isEqualTo(4);
            });
            Nodes.admin(server)
                    .get("/api/v1/status")
                    .then()
                    .body("producers.find { it.producer == 'field-e2e' }.waitingForSeq", equalTo(null));
        }
    }
}
