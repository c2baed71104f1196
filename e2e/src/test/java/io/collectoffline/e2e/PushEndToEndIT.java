package io.collectoffline.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.collectoffline.testing.AppProcess;
import io.restassured.response.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Field laptop → server with both packaged apps as processes and the server on PostgreSQL: exactly once, through
 * a server crash, a laptop crash between send and saving the answer, and a server that is away for a while.
 */
class PushEndToEndIT {

    @TempDir
    Path dir;

    @BeforeEach
    void freshServerDatabase() throws Exception {
        Nodes.resetServerDatabase();
    }

    @Test
    void recordsCreatedOnTheLaptopAreAppliedOnTheServerExactlyOnce() throws Exception {
        int port = AppProcess.freePort();
        try (AppProcess server = Nodes.server(dir, port);
                AppProcess client =
                        Nodes.client(dir, port, Nodes.enrolLaptop(server)).awaitReady()) {
            List<UUID> ids = Nodes.enterHouseholdsWithSubjects(client, 50);

            given().baseUri(client.baseUrl())
                    .queryParam("wait", true)
                    .post("/api/v1/push")
                    .then()
                    .statusCode(200)
                    .body("outcome", equalTo("DELIVERED"))
                    .body("accepted", equalTo(100));
            given().baseUri(client.baseUrl())
                    .queryParam("wait", true)
                    .post("/api/v1/push")
                    .then()
                    .body("outcome", equalTo("NOTHING_TO_SEND"));

            await().untilAsserted(() -> Nodes.assertExactlyOnce(100, 50));
            Nodes.admin(server)
                    .get("/api/v1/records/study.subject/" + ids.get(1))
                    .then()
                    .statusCode(200)
                    .body("household_id", equalTo(ids.get(0).toString()))
                    .body("device_created", equalTo("field-e2e"));
            given().baseUri(client.baseUrl()).get("/api/v1/status").then().body("pending", equalTo(0));
        }
    }

    @Test
    void serverKilledMidPushAndRestartedStillGetsEverythingExactlyOnce() throws Exception {
        int port = AppProcess.freePort();
        String token;
        try (AppProcess server = Nodes.server(dir, port)) {
            token = Nodes.enrolLaptop(server);
        }
        Path keyFile = dir.resolve("server-key.json");
        java.nio.file.Files.writeString(keyFile, serverKeyJson(dir));
        // one transaction per batch, so that the push lasts; the data is entered while the server is away, so that
        // no scheduled push delivers it piecemeal before the push the test interrupts
        try (AppProcess client = Nodes.client(
                        dir,
                        port,
                        token,
                        "-Dsync.client.push.interval=1s",
                        "-Dsync.client.push.max-transactions=1",
                        "-Dsync.client.push.backoff-initial=200ms",
                        "-Dsync.client.push.backoff-max=1s",
                        "-Dsync.client.payload.public-key-file=" + keyFile)
                .awaitReady()) {
            Nodes.enterHouseholdsWithSubjects(client, 300);
            AppProcess server = Nodes.server(dir, port);
            try {
                await().pollInterval(Duration.ofMillis(10))
                        .until(() -> Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction") > 0);
                server.kill();
                long storedBeforeTheCrash = Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction");
                assertThat(storedBeforeTheCrash).as("killed mid-push").isLessThan(600);
                server = Nodes.server(dir, port);

                await().atMost(Duration.ofSeconds(120))
                        .untilAsserted(() -> given().baseUri(client.baseUrl())
                                .get("/api/v1/status")
                                .then()
                                .body("pending", equalTo(0)));
                await().untilAsserted(() -> Nodes.assertExactlyOnce(600, 300));
            } finally {
                server.close();
            }
        }
    }

    @Test
    void laptopKilledAfterSendingBeforeSavingTheAnswerResendsNothingTwice() throws Exception {
        int port = AppProcess.freePort();
        try (AppProcess server = Nodes.server(dir, port)) {
            String token = Nodes.enrolLaptop(server);
            try (AppProcess client = Nodes.client(
                            dir,
                            port,
                            token,
                            "-Dsync.client.push.max-transactions=40",
                            "-Dsync.client.push.fault-halt-after-send=true")
                    .awaitReady()) {
                Nodes.enterHouseholdsWithSubjects(client, 50);
                given().baseUri(client.baseUrl()).post("/api/v1/push");
                assertThat(client.awaitExit()).isEqualTo(137);
            }
            // the first batch's answer arrived; the second batch travelled meanwhile (two in flight) and may be
            // stored too, now or a moment later (the server finishes a request whose sender died)
            assertThat(Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction"))
                    .isIn(40L, 80L);

            try (AppProcess client = Nodes.client(dir, port, token, "-Dsync.client.push.max-transactions=40")
                    .awaitReady()) {
                given().baseUri(client.baseUrl()).get("/api/v1/status").then().body("pending", equalTo(100));
                Response push = given().baseUri(client.baseUrl())
                        .queryParam("wait", true)
                        .post("/api/v1/push")
                        .then()
                        .statusCode(200)
                        .body("outcome", equalTo("DELIVERED"))
                        .extract()
                        .response();
                int accepted = push.path("accepted");
                assertThat(accepted).as("the batches the server did not store").isIn(60, 20);
                int alreadyStored = push.path("deliveredByWatermark");
                int duplicates = given().baseUri(client.baseUrl())
                        .get("/api/v1/status")
                        .then()
                        .extract()
                        .path("push.lastPush.duplicate");
                assertThat(alreadyStored + duplicates)
                        .as("the %d the server stored before the crash", 100 - accepted)
                        .isEqualTo(100 - accepted);
            }
            await().untilAsserted(() -> Nodes.assertExactlyOnce(100, 50));
        }
    }

    @Test
    void serverAwayForAWhileTheLaptopKeepsItsQueueAndCatchesUp() throws Exception {
        int port = AppProcess.freePort();
        String token;
        try (AppProcess server = Nodes.server(dir, port)) {
            token = Nodes.enrolLaptop(server); // enrolled at the clinic; the laptop then goes to the field
        }
        Path keyFile = dir.resolve("server-key.json");
        java.nio.file.Files.writeString(keyFile, serverKeyJson(dir));
        try (AppProcess client = Nodes.client(
                        dir,
                        port,
                        token,
                        "-Dsync.client.push.interval=1s",
                        "-Dsync.client.push.backoff-initial=200ms",
                        "-Dsync.client.push.backoff-max=1s",
                        "-Dsync.client.payload.public-key-file=" + keyFile)
                .awaitReady()) {
            Nodes.enterHouseholdsWithSubjects(client, 20);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> given().baseUri(client.baseUrl())
                            .get("/api/v1/status")
                            .then()
                            .body("push.lastPush.outcome", equalTo("FAILED"))
                            .body("pending", equalTo(40)));
            given().baseUri(client.baseUrl()).get("/q/health/ready").then().statusCode(200);

            try (AppProcess server = Nodes.server(dir, port)) {
                await().atMost(Duration.ofSeconds(60))
                        .untilAsserted(() -> given().baseUri(client.baseUrl())
                                .get("/api/v1/status")
                                .then()
                                .body("pending", equalTo(0)));
                await().untilAsserted(() -> Nodes.assertExactlyOnce(40, 20));
            }
        }
    }

    /**
     * The runbook's server restore (pg_dump, then pg_restore over the database): what the server confirmed after the
     * backup is gone from it, and the laptop had marked it delivered. The laptop's next scheduled push finds it
     * (the server's watermark stops before a seq the laptop marked delivered), asks by txId what the server still
     * holds and sends the rest again, with nothing new entered on the laptop.
     */
    @Test
    void aServerRestoredFromABackupGetsBackFromTheLaptopWhatItConfirmedAfterTheBackup() throws Exception {
        int port = AppProcess.freePort();
        Path dump = dir.resolve("server.dump");
        AppProcess server = Nodes.server(dir, port);
        try (AppProcess client = Nodes.client(
                        dir,
                        port,
                        Nodes.enrolLaptop(server),
                        "-Dsync.client.push.interval=1s",
                        "-Dsync.client.push.check-delivered-every=2s",
                        "-Dsync.client.push.backoff-initial=200ms",
                        "-Dsync.client.push.backoff-max=1s")
                .awaitReady()) {
            Nodes.enterHouseholdsWithSubjects(client, 0, 10);
            awaitDelivered(client, 20);
            server.close();
            Nodes.backUpServerDatabase(dump);
            server = Nodes.server(dir, port);
            Nodes.enterHouseholdsWithSubjects(client, 10, 15);
            awaitDelivered(client, 50);
            assertThat(Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction"))
                    .isEqualTo(50);

            server.close();
            Nodes.restoreServerDatabase(dump);
            assertThat(Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction"))
                    .isEqualTo(20);
            server = Nodes.server(dir, port);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> Nodes.assertExactlyOnce(50, 25));
            assertThat(client.output())
                    .contains("The server no longer holds 30 changes of field-e2e after seq 20 that it had "
                            + "confirmed");
            given().baseUri(client.baseUrl()).get("/api/v1/status").then().body("pending", equalTo(0));
        } finally {
            server.close();
        }
    }

    private static void awaitDelivered(AppProcess client, int transactions) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            given().baseUri(client.baseUrl()).get("/api/v1/status").then().body("pending", equalTo(0));
            assertThat(Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction WHERE status = 'APPLIED'"))
                    .isEqualTo(transactions);
        });
    }

    @Test
    void wrongTokenStopsPushingAndMakesTheLaptopUnready() throws Exception {
        int port = AppProcess.freePort();
        try (AppProcess server = Nodes.server(dir, port)) {
            Nodes.enrolLaptop(server);
            Path keyFile = dir.resolve("server-key.json");
            java.nio.file.Files.writeString(keyFile, serverKeyJson(dir));
            try (AppProcess client = Nodes.client(
                            dir, port, "co_not-the-token", "-Dsync.client.payload.public-key-file=" + keyFile)
                    .awaitReady()) {
                Nodes.enterHouseholdsWithSubjects(client, 1);

                given().baseUri(client.baseUrl())
                        .queryParam("wait", true)
                        .post("/api/v1/push")
                        .then()
                        .body("outcome", equalTo("AUTH_FAILED"));
                given().baseUri(client.baseUrl()).get("/q/health/ready").then().statusCode(503);
                given().baseUri(client.baseUrl()).get("/api/v1/status").then().body("pending", equalTo(2));
                assertThat(Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction"))
                        .isZero();
            }
        }
    }

    /** The public key of the server whose key folder is under {@code dir}, as {@code keys current} prints it. */
    static String serverKeyJson(Path dir) {
        return io.collectoffline.codec.KeyRing.load(
                        dir.resolve("server").resolve("data").resolve("server").resolve("keys"))
                .current()
                .toJson();
    }
}
