package io.collectoffline.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.collectoffline.testing.AppProcess;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README Guarantees 8: delivery is confirmed by identity, and a laptop whose stream diverged from what the server
 * holds — restored from a backup, reinstalled with the same device id, or cloned from another laptop's image — is
 * detected at its next push, says so, and loses nothing: it re-issues its pending changes on a new stream, and
 * every record ends on the server exactly once. Both packaged apps run as processes, the server on PostgreSQL.
 */
class DivergedLaptopEndToEndIT {

    @TempDir
    Path dir;

    @BeforeEach
    void freshServerDatabase() throws Exception {
        Nodes.resetServerDatabase();
    }

    @Test
    void aLaptopRestoredFromABackupKeepsItsNewChangesAndEveryRecordArrivesOnce() throws Exception {
        int port = AppProcess.freePort();
        Path laptop = dir.resolve("laptop");
        Path backup = dir.resolve("backup");
        List<UUID> ids = new ArrayList<>();
        try (AppProcess server = Nodes.server(dir, port)) {
            String token = Nodes.enrolLaptop(server);
            try (AppProcess client = laptop(laptop, port, token)) {
                ids.addAll(Nodes.enterHouseholdsWithSubjects(client, 0, 1));
                push(client).body("accepted", equalTo(2));
            }
            // the runbook's backup: the laptop app stopped, its folder copied
            Nodes.copyFolder(laptop.resolve("db"), backup);
            try (AppProcess client = laptop(laptop, port, token)) {
                ids.addAll(Nodes.enterHouseholdsWithSubjects(client, 1, 1)); // seqs 3, 4
                push(client).body("accepted", equalTo(2));
            }
            restore(backup, laptop.resolve("db"));
            try (AppProcess client = laptop(laptop, port, token)) {
                ids.addAll(Nodes.enterHouseholdsWithSubjects(client, 2, 1)); // seqs 3, 4 again, other changes

                JsonPath report = push(client)
                        .body("outcome", equalTo("DELIVERED"))
                        .body("reissued", equalTo(2))
                        .body("divergence", containsString("diverged"))
                        .extract()
                        .jsonPath();
                assertThat(report.getInt("accepted")).isEqualTo(2);
                given().baseUri(client.baseUrl())
                        .get("/api/v1/status")
                        .then()
                        .body("pending", equalTo(0))
                        .body("divergence.from", equalTo("field-e2e"))
                        .body("divergence.fromSeq", equalTo(3))
                        .body("producer", containsString("field-e2e~"))
                        .body("deviceId", equalTo("field-e2e"));
                given().baseUri(client.baseUrl())
                        .get("/")
                        .then()
                        .statusCode(200)
                        .body(containsString("diverged from what the server holds"));
                // the laptop goes on capturing on its new stream
                ids.addAll(Nodes.enterHouseholdsWithSubjects(client, 3, 1));
                push(client).body("accepted", equalTo(2));
                // what it made after the backup, lost by the restore, comes back with its down-sync (two-way)
                given().baseUri(client.baseUrl())
                        .get("/api/v1/records/study.household/" + ids.get(2))
                        .then()
                        .statusCode(404);
                TwoWayEndToEndIT.receive(client).body("outcome", equalTo("DONE"));
                for (UUID id : List.of(ids.get(2), ids.get(3))) {
                    given().baseUri(client.baseUrl())
                            .get("/api/v1/records/" + (id.equals(ids.get(2)) ? "study.household/" : "study.subject/")
                                    + id)
                            .then()
                            .statusCode(200);
                }
            }
            assertEveryRecordOnTheServerOnce(server, ids);
            Nodes.admin(server)
                    .get("/api/v1/status")
                    .then()
                    .body("producers.find { it.producer == 'field-e2e' }.diverged.fromSeq", equalTo(3))
                    .body("producers.find { it.producer == 'field-e2e' }.diverged.note", containsString("restored"));
            given().baseUri(server.baseUrl())
                    .get("/q/metrics")
                    .then()
                    .body(containsString("collect_diverged_producers"));
        }
    }

    @Test
    void aLaptopReinstalledWithTheSameIdKeepsItsNewChanges() throws Exception {
        int port = AppProcess.freePort();
        Path laptop = dir.resolve("laptop");
        List<UUID> ids = new ArrayList<>();
        try (AppProcess server = Nodes.server(dir, port)) {
            String token = Nodes.enrolLaptop(server);
            try (AppProcess client = laptop(laptop, port, token)) {
                ids.addAll(Nodes.enterHouseholdsWithSubjects(client, 0, 2));
                push(client).body("accepted", equalTo(4));
            }
            // a new disk, the app installed again with the same id and token
            Nodes.deleteFolder(laptop.resolve("db"));
            try (AppProcess client = laptop(laptop, port, token)) {
                ids.addAll(Nodes.enterHouseholdsWithSubjects(client, 2, 1)); // seqs 1, 2 again

                push(client)
                        .body("outcome", equalTo("DELIVERED"))
                        .body("reissued", equalTo(2))
                        .body("accepted", equalTo(2));
                given().baseUri(client.baseUrl())
                        .get("/api/v1/status")
                        .then()
                        .body("pending", equalTo(0))
                        .body("divergence.fromSeq", equalTo(1));
            }
            assertEveryRecordOnTheServerOnce(server, ids);
        }
    }

    @Test
    void aSecondLaptopClonedFromTheSameImageKeepsBothLaptopsChanges() throws Exception {
        int port = AppProcess.freePort();
        Path first = dir.resolve("first");
        Path clone = dir.resolve("clone");
        List<UUID> ids = new ArrayList<>();
        try (AppProcess server = Nodes.server(dir, port)) {
            String token = Nodes.enrolLaptop(server);
            try (AppProcess client = laptop(first, port, token)) {
                ids.addAll(Nodes.enterHouseholdsWithSubjects(client, 0, 1));
                push(client).body("accepted", equalTo(2));
            }
            Nodes.copyFolder(first.resolve("db"), clone.resolve("db")); // the image on a second laptop
            try (AppProcess a = laptop(first, port, token);
                    AppProcess b = laptop(clone, port, token)) {
                ids.addAll(Nodes.enterHouseholdsWithSubjects(a, 1, 1)); // seqs 3, 4 on both
                ids.addAll(Nodes.enterHouseholdsWithSubjects(b, 2, 1));
                push(a).body("accepted", equalTo(2));
                push(b).body("reissued", equalTo(2)).body("accepted", equalTo(2));
                // both go on: a on the device's first stream, b on its new one
                ids.addAll(Nodes.enterHouseholdsWithSubjects(a, 3, 1));
                ids.addAll(Nodes.enterHouseholdsWithSubjects(b, 4, 1));
                push(a).body("accepted", equalTo(2)).body("reissued", equalTo(null));
                push(b).body("accepted", equalTo(2)).body("reissued", equalTo(null));
            }
            assertEveryRecordOnTheServerOnce(server, ids);
        }
    }

    /**
     * The same restore for a laptop that travels only by file: the receipt of its first file after the restore says
     * the server holds those seqs with other changes (type {@code seq-taken}); the laptop re-issues them on a new
     * stream and its next file brings them. Before, the receipt marked them refused, the laptop sent the same seqs
     * again every 6 h, and its changes made after the restore never arrived.
     */
    @Test
    void aLaptopRestoredFromABackupThatTravelsByFileKeepsItsNewChanges() throws Exception {
        int port = AppProcess.freePort();
        Path laptop = dir.resolve("laptop");
        Path backup = dir.resolve("backup");
        List<UUID> ids = new ArrayList<>();
        try (AppProcess server = Nodes.serverWith(dir, port, Nodes.JDBC, "-Dsync.server.files.watch-interval=1s")) {
            String token = Nodes.enrolLaptop(server);
            try (AppProcess client = laptop(laptop, port, token)) {
                ids.addAll(Nodes.enterHouseholdsWithSubjects(client, 0, 1));
                byFile(client, server, 2).body("delivered", equalTo(2));
            }
            Nodes.copyFolder(laptop.resolve("db"), backup);
            try (AppProcess client = laptop(laptop, port, token)) {
                ids.addAll(Nodes.enterHouseholdsWithSubjects(client, 1, 1)); // seqs 3, 4
                byFile(client, server, 2).body("delivered", equalTo(2));
            }
            restore(backup, laptop.resolve("db"));
            try (AppProcess client = laptop(laptop, port, token)) {
                ids.addAll(Nodes.enterHouseholdsWithSubjects(client, 2, 1)); // seqs 3, 4 again, other changes

                byFile(client, server, 2)
                        .body("delivered", equalTo(0))
                        .body("rejected", equalTo(0))
                        .body("reissued", equalTo(2));
                given().baseUri(client.baseUrl())
                        .get("/api/v1/status")
                        .then()
                        .body("pending", equalTo(2))
                        .body("producer", containsString("field-e2e~"));
                byFile(client, server, 2).body("delivered", equalTo(2)).body("reissued", equalTo(0));
                given().baseUri(client.baseUrl()).get("/api/v1/status").then().body("pending", equalTo(0));
            }
            assertEveryRecordOnTheServerOnce(server, ids);
        }
    }

    /** Exports {@code expected} transactions, has the server import the file, and takes its receipt back. */
    private static io.restassured.response.ValidatableResponse byFile(
            AppProcess client, AppProcess server, int expected) throws IOException {
        Path file = Nodes.exported(given().baseUri(client.baseUrl()), client, expected);
        Path inbox = Files.createDirectories(server.workDir().resolve("data/server/files/inbox"));
        Files.copy(file, inbox.resolve(file.getFileName()));
        Path receipt = server.workDir()
                .resolve("data/server/files/receipts")
                .resolve("field-e2e-" + Nodes.batchOf(file) + ".receipt");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.isRegularFile(receipt));
        return given().baseUri(client.baseUrl())
                .contentType("application/octet-stream")
                .body(Files.readAllBytes(receipt))
                .post("/api/v1/files/receipts")
                .then()
                .statusCode(200);
    }

    private static AppProcess laptop(Path folder, int port, String token) throws IOException {
        return Nodes.laptopIn(folder, "field-e2e", port, token).awaitReady();
    }

    private static io.restassured.response.ValidatableResponse push(AppProcess client) {
        return given().baseUri(client.baseUrl())
                .queryParam("wait", true)
                .post("/api/v1/push")
                .then()
                .statusCode(200)
                .body("outcome", equalTo("DELIVERED"));
    }

    /** Every record once on the server, every change applied once, nothing stuck or refused but the claims. */
    private static void assertEveryRecordOnTheServerOnce(AppProcess server, List<UUID> ids) throws Exception {
        int households = ids.size() / 2;
        await().untilAsserted(() -> {
            assertThat(Nodes.serverCount("SELECT COUNT(*) FROM household")).isEqualTo(households);
            assertThat(Nodes.serverCount("SELECT COUNT(*) FROM subject")).isEqualTo(households);
            assertThat(Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction WHERE status = 'APPLIED'"))
                    .isEqualTo(ids.size());
            assertThat(Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction"))
                    .isEqualTo(ids.size());
            assertThat(Nodes.serverCount("SELECT COUNT(*) FROM rejected_transaction WHERE problem_type IS NULL"))
                    .isZero();
        });
        for (int i = 0; i < ids.size(); i += 2) {
            Nodes.admin(server)
                    .get("/api/v1/records/study.household/" + ids.get(i))
                    .then()
                    .statusCode(200)
                    .body("id", notNullValue());
            Nodes.admin(server)
                    .get("/api/v1/records/study.subject/" + ids.get(i + 1))
                    .then()
                    .statusCode(200)
                    .body("household_id", equalTo(ids.get(i).toString()));
        }
    }

    private static void restore(Path backup, Path to) throws IOException {
        Nodes.deleteFolder(to);
        Nodes.copyFolder(backup, to);
    }
}
