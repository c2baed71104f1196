package io.collectoffline.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

import io.collectoffline.testing.AppProcess;
import io.collectoffline.testing.ServerAdmin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The site server's link to its central server meets each failure a link meets, as processes: a central that
 * refuses large batches (413), one that refuses the site's token (401), and one that is not there — and in each
 * case everything arrives exactly once in the end, with no request repeated the same way for ever.
 */
class ForwardingLinkEndToEndIT {

    /** The central server's admin token, made with the CLI step before its first start. */
    private String centralAdmin;

    private static final Path SERVER_JAR = Path.of("..", "sync-server", "target", "quarkus-app", "quarkus-run.jar");

    @TempDir
    Path dir;

    @BeforeEach
    void freshSiteDatabase() throws Exception {
        Nodes.resetServerDatabase();
    }

    @Test
    void aCentralThatRefusesLargeBatchesGetsSmallerOnesAndEverythingArrivesOnce() throws Exception {
        int centralPort = AppProcess.freePort();
        try (AppProcess central = central(centralPort, "-Dsync.server.ingest.max-transactions=8")) {
            String token = enrolSite(central);
            try (AppProcess site = site(centralPort, token).awaitReady();
                    AppProcess field = Nodes.client(dir, port(site), Nodes.enrolLaptop(site))
                            .awaitReady()) {
                Nodes.enterHouseholdsWithSubjects(field, 20);
                given().baseUri(field.baseUrl())
                        .queryParam("wait", true)
                        .post("/api/v1/push")
                        .then()
                        .body("accepted", equalTo(40));

                await().atMost(Duration.ofSeconds(60))
                        .untilAsserted(() -> centralAdmin(central)
                                .get("/api/v1/status")
                                .then()
                                .body("counts.APPLIED", equalTo(40)));
                await().untilAsserted(() -> Nodes.admin(site)
                        .get("/api/v1/status")
                        .then()
                        .body("transfer.forwardBacklog", equalTo(0))
                        .body("transfer.forwardRejected", equalTo(0))
                        .body("transfer.upstream.failures", equalTo(0)));
                centralAdmin(central)
                        .queryParam("limit", 1000)
                        .get("/api/v1/incoming")
                        .then()
                        .body("size()", equalTo(40));
                assertThat(site.output())
                        .contains("Upstream could not take a batch of 40")
                        .contains("forwarding 5 at a time");
            }
        }
    }

    @Test
    void aRefusedTokenStopsTheLinkMakesTheSiteNotReadyAndOnlyANewTokenStartsItAgain() throws Exception {
        int centralPort = AppProcess.freePort();
        try (AppProcess central = central(centralPort)) {
            String token = enrolSite(central);
            try (AppProcess site = site(centralPort, "not-the-site-token").awaitReady()) {
                markInHandAtTheLab(site, "REQ-LINK-1");
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> given().baseUri(site.baseUrl())
                                .get("/q/health/ready")
                                .then()
                                .statusCode(503)
                                .body(
                                        "checks.find { it.name == 'forward' }.data.reason",
                                        containsString("credentials")));
                Nodes.admin(site)
                        .get("/api/v1/status")
                        .then()
                        .body("transfer.upstream.failures", equalTo(1))
                        .body("transfer.upstream.authProblem", containsString("401"));
                // the schedule (every second) does not try again while the token is refused
                await().during(Duration.ofSeconds(4))
                        .atMost(Duration.ofSeconds(6))
                        .untilAsserted(() -> Nodes.admin(site)
                                .get("/api/v1/status")
                                .then()
                                .body("transfer.upstream.failures", equalTo(1)));
            }
            // a restart with the same token remembers the refusal: no new attempt, still not ready
            try (AppProcess site = site(centralPort, "not-the-site-token")) {
                await().atMost(Duration.ofSeconds(60))
                        .ignoreExceptions()
                        .untilAsserted(() -> given().baseUri(site.baseUrl())
                                .get("/q/health/ready")
                                .then()
                                .statusCode(503));
                await().during(Duration.ofSeconds(7))
                        .atMost(Duration.ofSeconds(9))
                        .untilAsserted(() -> Nodes.admin(site)
                                .get("/api/v1/status")
                                .then()
                                .body("transfer.upstream.failures", equalTo(1)));
            }
            // the operator fixes the token: a fresh start, and the receipt arrives once
            try (AppProcess site = site(centralPort, token).awaitReady()) {
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> centralAdmin(central)
                                .get("/api/v1/reconciliation")
                                .then()
                                .body("inHand", hasItem("REQ-LINK-1")));
                await().untilAsserted(() -> Nodes.admin(site)
                        .get("/api/v1/status")
                        .then()
                        .body("transfer.forwardBacklog", equalTo(0))
                        .body("transfer.upstream.failures", equalTo(0)));
                given().baseUri(site.baseUrl()).get("/q/health/ready").then().statusCode(200);
            }
        }
    }

    @Test
    void anUnreachableCentralIsRetriedWithGrowingWaitsThatSurviveARestart() throws Exception {
        int centralPort = AppProcess.freePort();
        String token;
        try (AppProcess central = central(centralPort)) {
            token = enrolSite(central);
        }
        String[] backoff = {"-Dsync.server.upstream.backoff-initial=1s", "-Dsync.server.upstream.backoff-max=4s"};
        try (AppProcess site = site(centralPort, token, backoff).awaitReady()) {
            markInHandAtTheLab(site, "REQ-LINK-2");
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> Nodes.admin(site)
                            .get("/api/v1/status")
                            .then()
                            .body("transfer.upstream.failures", greaterThanOrEqualTo(3))
                            .body("transfer.upstream.nextAttemptAt", notNullValue())
                            .body("transfer.upstream.lastError", containsString("unreachable")));
            // an unreachable central is normal for a site server on a poor link: it stays ready
            given().baseUri(site.baseUrl()).get("/q/health/ready").then().statusCode(200);
        }
        int before;
        try (AppProcess site = site(centralPort, token, backoff).awaitReady()) {
            before = Nodes.admin(site).get("/api/v1/status").then().extract().path("transfer.upstream.failures");
            assertThat(before).as("the failures counted before the restart").isGreaterThanOrEqualTo(3);
            try (AppProcess central = central(centralPort)) {
                await().atMost(Duration.ofSeconds(60))
                        .untilAsserted(() -> centralAdmin(central)
                                .get("/api/v1/reconciliation")
                                .then()
                                .body("inHand", hasItem("REQ-LINK-2")));
                await().untilAsserted(() -> Nodes.admin(site)
                        .get("/api/v1/status")
                        .then()
                        .body("transfer.forwardBacklog", equalTo(0))
                        .body("transfer.upstream.failures", equalTo(0)));
            }
        }
    }

    /**
     * The central server restored from a backup (its embedded database's file copied back, as the runbook says):
     * what it acknowledged after the backup is gone from it, and the site had marked it forwarded. The site's next
     * pass that asks about every producer finds it, with nothing new to forward, and forwards it again; what the
     * central server still holds is not sent twice.
     */
    @Test
    void aCentralRestoredFromABackupGetsBackFromTheSiteWhatItAcknowledgedAfterTheBackup() throws Exception {
        int centralPort = AppProcess.freePort();
        Path data = dir.resolve("central").resolve("data");
        Path backup = dir.resolve("central-backup");
        AppProcess central = central(centralPort);
        try (AppProcess site = site(centralPort, enrolSite(central), "-Dsync.server.upstream.check-forwarded-every=2s")
                        .awaitReady();
                AppProcess field =
                        Nodes.client(dir, port(site), Nodes.enrolLaptop(site)).awaitReady()) {
            Nodes.enterHouseholdsWithSubjects(field, 0, 5);
            pushAndAwaitForwarded(field, site, central, 10);
            central.close();
            Nodes.copyFolder(data, backup);
            central = central(centralPort);
            Nodes.enterHouseholdsWithSubjects(field, 5, 10);
            pushAndAwaitForwarded(field, site, central, 30);

            central.close();
            // with nothing to forward, the central server out of reach for the round's question is no failure
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> site.output().contains("whether it still holds what it acknowledged"));
            Nodes.admin(site).get("/api/v1/status").then().body("transfer.upstream.failures", equalTo(0));
            Nodes.deleteFolder(data);
            Nodes.copyFolder(backup, data);
            central = central(centralPort);
            AppProcess restored = central;
            centralAdmin(restored).get("/api/v1/status").then().body("counts.APPLIED", equalTo(10));

            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() ->
                            centralAdmin(restored).get("/api/v1/status").then().body("counts.APPLIED", equalTo(30)));
            centralAdmin(restored)
                    .queryParam("limit", 1000)
                    .get("/api/v1/incoming")
                    .then()
                    .body("size()", equalTo(30));
            assertThat(site.output())
                    .contains("no longer holds 20 transactions of field-e2e after seq 10 that it had acknowledged");
        } finally {
            central.close();
        }
    }

    /**
     * README, Guarantees 24: a site server restored from a backup (the runbook's {@code pg_dump}, {@code pg_restore
     * --clean}) goes on forwarding the changes made on it. Before, its next lab receipt took a seq again that its
     * receipt made after the backup had taken on the central server: refused there as {@code seq-taken}, for ever.
     */
    @Test
    void aSiteServerRestoredFromABackupKeepsForwardingTheChangesMadeOnIt() throws Exception {
        int centralPort = AppProcess.freePort();
        Path dump = dir.resolve("site.dump");
        try (AppProcess central = central(centralPort)) {
            String token = enrolSite(central);
            try (AppProcess site = site(centralPort, token).awaitReady()) {
                markInHandAtTheLab(site, "REQ-RESTORE-1");
                awaitInHand(central, "REQ-RESTORE-1");
                Nodes.backUpServerDatabase(dump);
                markInHandAtTheLab(site, "REQ-RESTORE-2");
                awaitInHand(central, "REQ-RESTORE-2");
            }
            Nodes.restoreServerDatabase(dump);
            try (AppProcess site = site(centralPort, token).awaitReady()) {
                markInHandAtTheLab(site, "REQ-RESTORE-3");

                awaitInHand(central, "REQ-RESTORE-3");
                await().untilAsserted(() -> Nodes.admin(site)
                        .get("/api/v1/status")
                        .then()
                        .body("transfer.forwardBacklog", equalTo(0))
                        .body("transfer.forwardRejected", equalTo(0)));
                centralAdmin(central)
                        .get("/api/v1/refusals")
                        .then()
                        .statusCode(200)
                        .body("size()", equalTo(0));
                centralAdmin(central)
                        .get("/api/v1/reconciliation")
                        .then()
                        .body("inHand", hasItems("REQ-RESTORE-1", "REQ-RESTORE-2", "REQ-RESTORE-3"));
            }
        }
    }

    /**
     * README, Guarantees 23: what the central server refused is not refused for ever. Here its payload limit is below
     * the site's: every forwarded change is refused, listed on the site with the reason; once the central server's
     * limit is raised, the operator's retry sends them again and they arrive once.
     */
    @Test
    void whatTheCentralRefusedArrivesOnceTheCauseIsFixedAndTheOperatorRetries() throws Exception {
        int centralPort = AppProcess.freePort();
        AppProcess central = central(centralPort, "-Dsync.server.ingest.max-payload-bytes=64");
        try (AppProcess site = site(centralPort, enrolSite(central), "-Dsync.server.upstream.backoff-max=2s")
                        .awaitReady();
                AppProcess field =
                        Nodes.client(dir, port(site), Nodes.enrolLaptop(site)).awaitReady()) {
            Nodes.enterHouseholdsWithSubjects(field, 0, 3);
            given().baseUri(field.baseUrl())
                    .queryParam("wait", true)
                    .post("/api/v1/push")
                    .then()
                    .body("accepted", equalTo(6));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> Nodes.admin(site)
                            .get("/api/v1/status")
                            .then()
                            .body("transfer.forwardRejected", equalTo(6))
                            .body("transfer.forwardBacklog", equalTo(0)));
            Nodes.admin(site)
                    .get("/api/v1/forward/refused")
                    .then()
                    .statusCode(200)
                    .body("size()", equalTo(6))
                    .body("[0].producer", equalTo("field-e2e"))
                    .body("[0].reason", containsString("payload exceeds 64 bytes"));
            centralAdmin(central).get("/api/v1/status").then().body("counts.APPLIED", equalTo(0));

            central.close();
            central = central(centralPort); // the limit raised
            Nodes.admin(site)
                    .post("/api/v1/forward/refused/retry")
                    .then()
                    .statusCode(200)
                    .body("requeued", equalTo(6));

            AppProcess fixed = central;
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() ->
                            centralAdmin(fixed).get("/api/v1/status").then().body("counts.APPLIED", equalTo(6)));
            await().untilAsserted(() -> Nodes.admin(site)
                    .get("/api/v1/status")
                    .then()
                    .body("transfer.forwardBacklog", equalTo(0))
                    .body("transfer.forwardRejected", equalTo(0)));
            Nodes.admin(site).get("/api/v1/forward/refused").then().body("size()", equalTo(0));
        } finally {
            central.close();
        }
    }

    private void awaitInHand(AppProcess central, String tube) {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> centralAdmin(central)
                        .get("/api/v1/reconciliation")
                        .then()
                        .body("inHand", hasItem(tube)));
    }

    private void pushAndAwaitForwarded(AppProcess field, AppProcess site, AppProcess central, int applied) {
        given().baseUri(field.baseUrl())
                .queryParam("wait", true)
                .post("/api/v1/push")
                .then()
                .statusCode(200);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() ->
                        centralAdmin(central).get("/api/v1/status").then().body("counts.APPLIED", equalTo(applied)));
        await().untilAsserted(() ->
                Nodes.admin(site).get("/api/v1/status").then().body("transfer.forwardBacklog", equalTo(0)));
    }

    private AppProcess central(int port, String... extra) throws Exception {
        Path root = dir.resolve("central");
        if (Files.isDirectory(dir.resolve("site").resolve("data"))) {
            ServerAdmin.copyStudyKeys(dir.resolve("site"), root);
        }
        String[] properties = Stream.concat(
                        Stream.of("-Dsync.server.node-id=central", "-Dsync.server.apply.interval=200ms"),
                        Stream.of(extra))
                .toArray(String[]::new);
        centralAdmin = Nodes.firstAdmin(root);
        return AppProcess.start(SERVER_JAR, port, root, properties).awaitReady();
    }

    private String enrolSite(AppProcess central) throws Exception {
        String token = Nodes.enrolAs(centralAdmin, central, "site-01", "server");
        ServerAdmin.copyStudyKeys(dir.resolve("central"), dir.resolve("site"));
        return token;
    }

    /** The site server on PostgreSQL, forwarding every second to the central server at {@code centralPort}. */
    private AppProcess site(int centralPort, String token, String... extra) throws Exception {
        String[] properties = Stream.concat(
                        Stream.of(
                                "-Dsync.server.db=postgresql",
                                "-Dquarkus.datasource.postgresql.jdbc.url=" + Nodes.JDBC,
                                "-Dquarkus.datasource.postgresql.username=postgres",
                                "-Dsync.server.node-id=site-01",
                                "-Dsync.server.apply.interval=200ms",
                                "-Dsync.server.upstream.url=http://127.0.0.1:" + centralPort,
                                "-Dsync.server.upstream.token=" + token,
                                "-Dsync.server.upstream.interval=1s"),
                        Stream.of(extra))
                .toArray(String[]::new);
        AppProcess site = AppProcess.start(SERVER_JAR, AppProcess.freePort(), dir.resolve("site"), properties);
        Nodes.ensureAdmin(); // once it has migrated the database (ready or not: a refused token makes it not ready)
        return site;
    }

    private static void markInHandAtTheLab(AppProcess site, String tube) {
        Nodes.as(site, "lab-anna", "lab-assistant")
                .contentType("application/json")
                .body(Map.of("requisitionIdentifier", tube))
                .post("/api/v1/reconciliation/receipts")
                .then()
                .statusCode(201);
    }

    private static int port(AppProcess server) {
        return Integer.parseInt(server.baseUrl().substring(server.baseUrl().lastIndexOf(':') + 1));
    }

    private io.restassured.specification.RequestSpecification centralAdmin(AppProcess central) {
        return given().baseUri(central.baseUrl()).auth().oauth2(centralAdmin);
    }
}
