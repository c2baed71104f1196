package io.collectoffline.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import io.collectoffline.testing.AppProcess;
import io.collectoffline.testing.ServerAdmin;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Field laptop → community (site) server on PostgreSQL → file → central server on its embedded database, all as
 * processes: exactly once, the receipt closing the loop, re-import, quarantine of damaged files, files out of
 * order, and forwarding by REST.
 */
class SiteToCentralEndToEndIT {

    /** The central server's admin token, made with the CLI step before its first start. */
    private String centralAdmin;

    @TempDir
    Path dir;

    @BeforeEach
    void freshSiteDatabase() throws Exception {
        Nodes.resetServerDatabase();
    }

    @Test
    void fieldToSiteToFileToCentralExactlyOnceAndTheReceiptClosesTheLoop() throws Exception {
        try (AppProcess site = site();
                AppProcess central = central();
                AppProcess field = Nodes.client(dir, port(site), Nodes.enrolLaptopIn(site, "oodi"))
                        .awaitReady()) {
            Nodes.enterHouseholdsWithSubjects(field, 20);
            given().baseUri(field.baseUrl())
                    .queryParam("wait", true)
                    .post("/api/v1/push")
                    .then()
                    .body("accepted", equalTo(40));
            await().untilAsserted(() -> Nodes.assertExactlyOnce(40, 20));

            Path export = export(site, 40);
            Nodes.admin(site)
                    .get("/api/v1/status")
                    .then()
                    .body("transfer.forwardBacklog", equalTo(40))
                    .body("transfer.exportsAwaitingReceipt", equalTo(1));

            Files.copy(export, inbox(central).resolve(export.getFileName()));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() ->
                            centralAdmin(central).get("/api/v1/status").then().body("counts.APPLIED", equalTo(40)));
            // the laptop was enrolled in site oodi on the site server only: the file carried the site to central
            centralAdmin(central)
                    .queryParam("site", "oodi")
                    .get("/api/v1/status")
                    .then()
                    .body("counts.APPLIED", equalTo(40))
                    .body("producers.producer", equalTo(List.of("field-e2e")));
            centralAdmin(central)
                    .queryParam("site", "oodi")
                    .queryParam("limit", 1000)
                    .get("/api/v1/incoming")
                    .then()
                    .body("$", hasSize(40));
            Path receipt = await().until(() -> only(files(central).resolve("receipts")), r -> r != null);

            Files.copy(receipt, files(site).resolve("receipts-inbox").resolve(receipt.getFileName()));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> Nodes.admin(site)
                            .get("/api/v1/status")
                            .then()
                            .body("transfer.forwardBacklog", equalTo(0))
                            .body("transfer.exportsAwaitingReceipt", equalTo(0)));

            centralAdmin(central)
                    .header("X-File-Name", "again.colx")
                    .contentType("application/octet-stream")
                    .body(Files.readAllBytes(export))
                    .post("/api/v1/files")
                    .then()
                    .statusCode(200)
                    .body("accepted", equalTo(0))
                    .body("duplicate", equalTo(40));
            centralAdmin(central).get("/api/v1/status").then().body("counts.APPLIED", equalTo(40));
            // the re-import is counted; the row of the first import (what it brought) is kept
            centralAdmin(central)
                    .get("/api/v1/files")
                    .then()
                    .body("imports[0].accepted", equalTo(40))
                    .body("imports[0].reimports", equalTo(1));
        }
    }

    @Test
    void truncatedAndCorruptFilesAreQuarantinedWithTheReasonAndTheWatcherGoesOn() throws Exception {
        try (AppProcess site = site();
                AppProcess central = central();
                AppProcess field =
                        Nodes.client(dir, port(site), Nodes.enrolLaptop(site)).awaitReady()) {
            Nodes.enterHouseholdsWithSubjects(field, 10);
            given().baseUri(field.baseUrl())
                    .queryParam("wait", true)
                    .post("/api/v1/push")
                    .then()
                    .body("accepted", equalTo(20));
            Path export = export(site, 20);
            byte[] bytes = Files.readAllBytes(export);
            byte[] corrupt = bytes.clone();
            corrupt[bytes.length / 2] = (byte) (corrupt[bytes.length / 2] == 'A' ? 'B' : 'A');
            String text = new String(bytes, StandardCharsets.UTF_8);
            String truncated = text.substring(0, text.lastIndexOf("{\"sha256\""));

            Files.write(inbox(central).resolve("a-corrupt.colx"), corrupt);
            Files.writeString(inbox(central).resolve("b-truncated.colx"), truncated);
            Files.copy(export, inbox(central).resolve("c-" + export.getFileName()));

            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> centralAdmin(central)
                            .get("/api/v1/status")
                            .then()
                            .body("counts.APPLIED", equalTo(20))
                            .body("transfer.quarantinedFiles", equalTo(2)));
            centralAdmin(central)
                    .get("/api/v1/files")
                    .then()
                    .body(
                            "quarantined.file_name",
                            org.hamcrest.Matchers.containsInAnyOrder("a-corrupt.colx", "b-truncated.colx"))
                    .body(
                            "quarantined.find { it.file_name == 'a-corrupt.colx' }.reason",
                            org.hamcrest.Matchers.startsWith("corrupt"))
                    .body(
                            "quarantined.find { it.file_name == 'b-truncated.colx' }.reason",
                            org.hamcrest.Matchers.startsWith("truncated"));
            assertThat(files(central).resolve("quarantine").resolve("a-corrupt.colx.reason"))
                    .exists();
            centralAdmin(central)
                    .header("X-File-Name", "../../etc/passwd")
                    .contentType("application/octet-stream")
                    .body(corrupt)
                    .post("/api/v1/files")
                    .then()
                    .statusCode(400)
                    .body("type", equalTo("urn:collect-offline:problem:file-refused"));
            assertThat(files(central).resolve("quarantine").resolve("passwd.colx"))
                    .exists();
        }
    }

    @Test
    void filesArrivingOutOfOrderApplyCorrectlyAndTheMissingOneIsReported() throws Exception {
        try (AppProcess site = site();
                AppProcess central = central();
                AppProcess field =
                        Nodes.client(dir, port(site), Nodes.enrolLaptop(site)).awaitReady()) {
            Nodes.enterHouseholdsWithSubjects(field, 10);
            given().baseUri(field.baseUrl()).queryParam("wait", true).post("/api/v1/push");
            Path first = export(site, 20);
            Files.move(first, dir.resolve("first.colx"));
            Nodes.enterHouseholdsWithSubjects(field, 10, 10);
            given().baseUri(field.baseUrl()).queryParam("wait", true).post("/api/v1/push");
            Path second = export(site, 20);

            Files.copy(second, inbox(central).resolve("second.colx"));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> centralAdmin(central)
                            .get("/api/v1/status")
                            .then()
                            .body("counts.RECEIVED", equalTo(20))
                            .body("counts.APPLIED", equalTo(0))
                            .body("producers[0].waitingForSeq", equalTo(1))
                            .body("transfer.missingPreviousBatches", hasSize(1)));

            // the first file comes in through the admin CLI, with its progress bar
            ProcessBuilder command = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-jar",
                            Path.of("..", "sync-server", "target", "quarkus-app", "quarkus-run.jar")
                                    .toAbsolutePath()
                                    .toString(),
                            "files",
                            "import",
                            dir.resolve("first.colx").toString(),
                            "--url",
                            central.baseUrl())
                    .redirectErrorStream(true);
            command.environment().put("SYNC_SERVER_TOKEN", centralAdmin);
            Process cli = command.start();
            cli.getOutputStream().close();
            String printed = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(cli.waitFor()).as(printed).isZero();
            assertThat(printed).contains("100%").contains("\"accepted\":20");
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> centralAdmin(central)
                            .get("/api/v1/status")
                            .then()
                            .body("counts.APPLIED", equalTo(40))
                            .body("transfer.missingPreviousBatches", empty()));
        }
    }

    /**
     * README, Guarantees 26: a central server restored from a backup (its database file copied back, its files folder
     * left as it was) gets back what arrived by file after the backup. The site took its receipts and will not export
     * those transactions again; the files are in the central server's archive, and its first scan after the start
     * imports again each one the restored database does not know. Before, they were lost there for good.
     */
    @Test
    void aCentralRestoredFromABackupImportsAgainTheFilesItHadImportedSince() throws Exception {
        int centralPort = AppProcess.freePort();
        Path database = dir.resolve("central").resolve("data").resolve("server").resolve("collect-offline.mv.db");
        Path backup = dir.resolve("central-backup.mv.db");
        try (AppProcess site = site();
                AppProcess field =
                        Nodes.client(dir, port(site), Nodes.enrolLaptop(site)).awaitReady()) {
            ServerAdmin.copyStudyKeys(dir.resolve("site"), dir.resolve("central"));
            try (AppProcess central = central(centralPort)) {
                Nodes.enterHouseholdsWithSubjects(field, 0, 5);
                given().baseUri(field.baseUrl()).queryParam("wait", true).post("/api/v1/push");
                Files.copy(export(site, 10), inbox(central).resolve("first.colx"));
                awaitApplied(central, 10);
            }
            Files.copy(database, backup);
            try (AppProcess central = central(centralPort)) {
                Nodes.enterHouseholdsWithSubjects(field, 5, 5);
                given().baseUri(field.baseUrl()).queryParam("wait", true).post("/api/v1/push");
                Files.copy(export(site, 10), inbox(central).resolve("second.colx"));
                awaitApplied(central, 20);
            }
            Files.copy(backup, database, StandardCopyOption.REPLACE_EXISTING);

            try (AppProcess restored = central(centralPort)) {
                awaitApplied(restored, 20);
                centralAdmin(restored)
                        .queryParam("limit", 1000)
                        .get("/api/v1/incoming")
                        .then()
                        .body("size()", equalTo(20));
                assertThat(restored.output()).contains("this database does not know them (restored from a backup?)");
            }
        }
    }

    private void awaitApplied(AppProcess central, int applied) {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() ->
                        centralAdmin(central).get("/api/v1/status").then().body("counts.APPLIED", equalTo(applied)));
    }

    @Test
    void siteForwardsToCentralByRestAndMarksOnlyWhatCentralAcknowledged() throws Exception {
        int centralPort = AppProcess.freePort();
        try (AppProcess central = central(centralPort)) {
            String siteToken = Nodes.enrolAs(centralAdmin, central, "site-01", "server");
            ServerAdmin.copyStudyKeys(dir.resolve("central"), dir.resolve("site"));
            try (AppProcess site = site(
                            "-Dsync.server.upstream.url=http://127.0.0.1:" + centralPort,
                            "-Dsync.server.upstream.token=" + siteToken,
                            "-Dsync.server.upstream.interval=1s",
                            // seven batches, two travelling at once (the default): central may store a later batch
                            // before an earlier one and must still apply each producer's changes in order
                            "-Dsync.server.upstream.batch-size=3");
                    AppProcess field = Nodes.client(dir, port(site), Nodes.enrolLaptop(site))
                            .awaitReady()) {
                Nodes.enterHouseholdsWithSubjects(field, 10);
                given().baseUri(field.baseUrl()).queryParam("wait", true).post("/api/v1/push");

                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> centralAdmin(central)
                                .get("/api/v1/status")
                                .then()
                                .body("counts.APPLIED", equalTo(20)));
                await().untilAsserted(() ->
                        Nodes.admin(site).get("/api/v1/status").then().body("transfer.forwardBacklog", equalTo(0)));
                centralAdmin(central)
                        .queryParam("producer", "field-e2e")
                        .queryParam("limit", 1)
                        .get("/api/v1/incoming")
                        .then()
                        .body("[0].producer", equalTo("field-e2e"))
                        .body("[0].sender", equalTo("site-01"));

                // a change made on the site server (a lab receipt) is a transaction of its own and travels too
                String receipt = markInHandAtTheLab(site, "REQ-LAB-1");
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> centralAdmin(central)
                                .get("/api/v1/reconciliation")
                                .then()
                                .body("inHand", hasItem("REQ-LAB-1")));
                centralAdmin(central)
                        .get("/api/v1/records/study.specimen_receipt/" + receipt + "/history")
                        .then()
                        .body("$", hasSize(1))
                        .body("[0].producer", startsWith("site-01~"));
                await().untilAsserted(() ->
                        Nodes.admin(site).get("/api/v1/status").then().body("transfer.forwardBacklog", equalTo(0)));
            }
        }
    }

    @Test
    void aLabReceiptRecordedOnTheSiteServerIsInHandOnTheCentralServerByFile() throws Exception {
        try (AppProcess site = site();
                AppProcess central = central()) {
            String receipt = markInHandAtTheLab(site, "REQ-LAB-2");
            Nodes.admin(site)
                    .get("/api/v1/records/study.specimen_receipt/" + receipt + "/history")
                    .then()
                    .statusCode(200)
                    .body("$", hasSize(1))
                    .body("[0].producer", startsWith("site-01~"))
                    .body("[0].changedBy", equalTo("lab-anna"));
            problem409(site, "REQ-LAB-2");

            Path export = export(site, 1);
            Files.copy(export, inbox(central).resolve(export.getFileName()));

            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> centralAdmin(central)
                            .get("/api/v1/reconciliation")
                            .then()
                            .body("inHand", hasItem("REQ-LAB-2")));
            centralAdmin(central)
                    .get("/api/v1/records/study.specimen_receipt/" + receipt)
                    .then()
                    .statusCode(200)
                    .body("device_created", equalTo("site-01"))
                    .body("user_created", equalTo("lab-anna"));
        }
    }

    private static String markInHandAtTheLab(AppProcess site, String tube) {
        return Nodes.as(site, "lab-anna", "lab-assistant")
                .contentType("application/json")
                .body(java.util.Map.of("requisitionIdentifier", tube))
                .post("/api/v1/reconciliation/receipts")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    private static void problem409(AppProcess site, String tube) {
        Nodes.admin(site)
                .contentType("application/json")
                .body(java.util.Map.of("requisitionIdentifier", tube))
                .post("/api/v1/reconciliation/receipts")
                .then()
                .statusCode(409);
    }

    private AppProcess site(String... extra) throws Exception {
        Path root = dir.resolve("site");
        String[] properties = Stream.concat(
                        Stream.of(
                                "-Dsync.server.db=postgresql",
                                "-Dquarkus.datasource.postgresql.jdbc.url=" + Nodes.JDBC,
                                "-Dquarkus.datasource.postgresql.username=postgres",
                                "-Dsync.server.node-id=site-01",
                                "-Dsync.server.apply.interval=200ms",
                                "-Dsync.server.files.watch-interval=1s"),
                        Stream.of(extra))
                .toArray(String[]::new);
        AppProcess site = AppProcess.start(
                        Path.of("..", "sync-server", "target", "quarkus-app", "quarkus-run.jar"),
                        AppProcess.freePort(),
                        root,
                        properties)
                .awaitReady();
        Nodes.ensureAdmin();
        return site;
    }

    /** The central server, given the study's key pair that the site server generated (as an admin would). */
    private AppProcess central() throws Exception {
        ServerAdmin.copyStudyKeys(dir.resolve("site"), dir.resolve("central"));
        return central(AppProcess.freePort());
    }

    private AppProcess central(int port) throws Exception {
        centralAdmin = Nodes.firstAdmin(dir.resolve("central"));
        return AppProcess.start(
                        Path.of("..", "sync-server", "target", "quarkus-app", "quarkus-run.jar"),
                        port,
                        dir.resolve("central"),
                        "-Dsync.server.node-id=central",
                        "-Dsync.server.apply.interval=200ms",
                        "-Dsync.server.files.watch-interval=1s")
                .awaitReady();
    }

    private static int port(AppProcess server) {
        return Integer.parseInt(server.baseUrl().substring(server.baseUrl().lastIndexOf(':') + 1));
    }

    private static Path files(AppProcess server) {
        return server.workDir().resolve("data").resolve("server").resolve("files");
    }

    private Path inbox(AppProcess central) throws Exception {
        Path inbox = files(central).resolve("inbox");
        Files.createDirectories(inbox);
        return inbox;
    }

    private static Path only(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return null;
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> found = files.toList();
            return found.size() == 1 ? found.get(0) : null;
        }
    }

    private static Path export(AppProcess site, int expected) {
        return Nodes.exported(Nodes.admin(site), site, expected);
    }

    private io.restassured.specification.RequestSpecification centralAdmin(AppProcess central) {
        return given().baseUri(central.baseUrl()).auth().oauth2(centralAdmin);
    }
}
