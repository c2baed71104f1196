package io.collectoffline.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.collectoffline.testing.AppProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A field laptop with no network and no middleman: its outbox goes to a file on a USB stick, the server imports it
 * by the same path as a server's files, and the receipt taken back marks delivered — through the API, the page's
 * endpoints and the laptop's CLI, with damaged files refused whole and every repeat harmless.
 */
class LaptopFileEndToEndIT {

    @TempDir
    Path dir;

    @Test
    void aLaptopsOutboxTravelsByFileAndTheReceiptMarksItDeliveredExactlyOnce() throws Exception {
        Nodes.resetServerDatabase();
        try (AppProcess server = Nodes.serverWith(
                        dir, AppProcess.freePort(), Nodes.JDBC, "-Dsync.server.files.watch-interval=1s");
                // no down-sync of its own: the accounts it gets come with the receipt
                AppProcess laptop = Nodes.client(
                                dir, port(server), Nodes.enrolLaptop(server), "-Dsync.client.downsync.scheduled=false")
                        .awaitReady()) {
            Nodes.enterHouseholdsWithSubjects(laptop, 10);

            Path file = Path.of(given().baseUri(laptop.baseUrl())
                    .post("/api/v1/files/export")
                    .then()
                    .statusCode(200)
                    .body("transactions", equalTo(20))
                    .extract()
                    .<String>path("file"));
            Path exported = file.isAbsolute() ? file : laptop.workDir().resolve(file);
            // exporting marks nothing delivered, and a second export leaves out what the first file carries
            given().baseUri(laptop.baseUrl()).get("/api/v1/status").then().body("pending", equalTo(20));
            given().baseUri(laptop.baseUrl())
                    .post("/api/v1/files/export")
                    .then()
                    .statusCode(200)
                    .body("transactions", equalTo(0));

            // a truncated copy is quarantined by the server, nothing of it used
            Path inbox = Files.createDirectories(server.workDir().resolve("data/server/files/inbox"));
            List<String> lines = Files.readAllLines(exported, StandardCharsets.UTF_8);
            Files.write(inbox.resolve("truncated.colx"), lines.subList(0, lines.size() - 3), StandardCharsets.UTF_8);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> Nodes.admin(server)
                            .get("/api/v1/status")
                            .then()
                            .body("transfer.quarantinedFiles", equalTo(1)));
            assertThat(Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction"))
                    .isZero();

            Nodes.as(server, "boitumelo", "research-assistant"); // a new assistant, to reach the laptop by file
            Files.copy(exported, inbox.resolve(exported.getFileName()));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Nodes.assertExactlyOnce(20, 10));
            Path receipt = server.workDir()
                    .resolve("data/server/files/receipts")
                    .resolve("field-e2e-" + Nodes.batchOf(exported) + ".receipt");
            await().until(() -> Files.isRegularFile(receipt));

            // a damaged receipt is refused whole
            byte[] damaged = Files.readAllBytes(receipt);
            damaged[damaged.length / 2] ^= 1;
            given().baseUri(laptop.baseUrl())
                    .contentType("application/octet-stream")
                    .body(damaged)
                    .post("/api/v1/files/receipts")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:collect-offline:problem:unusable-file"));
            given().baseUri(laptop.baseUrl()).get("/api/v1/status").then().body("pending", equalTo(20));

            given().baseUri(laptop.baseUrl())
                    .contentType("application/octet-stream")
                    .body(Files.readAllBytes(receipt))
                    .post("/api/v1/files/receipts")
                    .then()
                    .statusCode(200)
                    .body("delivered", equalTo(20))
                    .body("rejected", equalTo(0));
            given().baseUri(laptop.baseUrl()).get("/api/v1/status").then().body("pending", equalTo(0));
            // the receipt brought the account list, signed by the server: the new assistant logs in on the laptop
            given().baseUri(laptop.baseUrl())
                    .contentType("application/json")
                    .body(java.util.Map.of("username", "boitumelo", "password", "boitumelo's long password"))
                    .post("/api/v1/session")
                    .then()
                    .statusCode(200);
            // the same receipt again, and the same file imported again, change nothing
            given().baseUri(laptop.baseUrl())
                    .contentType("application/octet-stream")
                    .body(Files.readAllBytes(receipt))
                    .post("/api/v1/files/receipts")
                    .then()
                    .statusCode(200)
                    .body("delivered", equalTo(0));
            Files.copy(exported, inbox.resolve("again-" + exported.getFileName()));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Nodes.serverCount("SELECT reimports FROM import_batch WHERE batch_id = '"
                                    + Nodes.batchOf(exported) + "'")
                            == 1);
            Nodes.assertExactlyOnce(20, 10);
            given().baseUri(laptop.baseUrl())
                    .queryParam("wait", true)
                    .post("/api/v1/push")
                    .then()
                    .body("outcome", equalTo("NOTHING_TO_SEND"));

            // the same round with the laptop's CLI
            Nodes.enterHouseholdsWithSubjects(laptop, 10, 2);
            String printed = cli(laptop, "files", "export", "--url", laptop.baseUrl());
            assertThat(printed).contains("\"transactions\":4");
            Path second = laptop.workDir().resolve(printed.replaceAll("(?s).*\"file\":\"([^\"]+)\".*", "$1"));
            Files.copy(second, inbox.resolve(second.getFileName()));
            Path secondReceipt = server.workDir()
                    .resolve("data/server/files/receipts")
                    .resolve("field-e2e-" + Nodes.batchOf(second) + ".receipt");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.isRegularFile(secondReceipt));
            assertThat(cli(laptop, "files", "receipt", secondReceipt.toString(), "--url", laptop.baseUrl()))
                    .contains("\"delivered\":4");
            given().baseUri(laptop.baseUrl()).get("/api/v1/status").then().body("pending", equalTo(0));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Nodes.assertExactlyOnce(24, 12));
            // the second file names the first, so the server sees one unbroken chain
            assertThat(Nodes.serverCount("SELECT COUNT(*) FROM import_batch WHERE previous_batch_id = '"
                            + Nodes.batchOf(exported) + "'"))
                    .isEqualTo(1);
        }
    }

    /** Runs the laptop's CLI as a process, as a field worker would; returns what it printed (exit code 0). */
    private static String cli(AppProcess laptop, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Path.of("..", "sync-client", "target", "quarkus-app", "quarkus-run.jar")
                        .toAbsolutePath()
                        .toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(laptop.workDir().toFile())
                .redirectErrorStream(true)
                .start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            return output;
        } finally {
            process.destroyForcibly();
        }
    }

    private static int port(AppProcess server) {
        return Integer.parseInt(server.baseUrl().substring(server.baseUrl().lastIndexOf(':') + 1));
    }
}
