package io.collectoffline.server;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import io.collectoffline.testing.AppProcess;
import io.restassured.http.ContentType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test of the quick start: the packaged server with only an admin token configured runs on its embedded H2
 * file, generates its key pair, and stores, deduplicates and applies like on PostgreSQL (same SQL in PostgreSQL
 * mode, MERGE for upserts).
 */
class ServerDefaultDatabaseIT {

    @TempDir
    Path dir;

    @Test
    void packagedServerReceivesAndAppliesOnTheEmbeddedDatabase() throws Exception {
        String producer = "laptop-h2";
        UUID id = UUID.randomUUID();
        String identifier = Fixtures.identifier("HH");
        Map<String, Object> batch = Fixtures.batchFrom(
                producer,
                List.of(
                        Fixtures.tx(
                                producer, 1, "study.household", "INSERT", Fixtures.household(id, identifier, "One", 0)),
                        Fixtures.tx(
                                producer,
                                2,
                                "study.household",
                                "UPDATE",
                                Fixtures.household(id, identifier, "Two", 1))));

        try (AppProcess server = AppProcess.start(
                        dir, "-Dsync.server.admin-token=it-admin", "-Dsync.server.ingest.accept-unsigned=true")
                .awaitReady()) {
            assertThat(server.output())
                    .contains("jdbc:h2:file:./data/server/collect-offline")
                    .contains("Generated this server's first key pair");
            String token = given().baseUri(server.baseUrl())
                    .auth()
                    .oauth2("it-admin")
                    .contentType(ContentType.JSON)
                    .body(Map.of("deviceId", producer, "role", "field"))
                    .post("/api/v1/devices")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("token");
            given().baseUri(server.baseUrl())
                    .auth()
                    .oauth2(token)
                    .contentType(ContentType.JSON)
                    .body(batch)
                    .post("/api/v1/batches")
                    .then()
                    .statusCode(200)
                    .body("results.status", contains("ACCEPTED", "ACCEPTED"));
            given().baseUri(server.baseUrl())
                    .auth()
                    .oauth2(token)
                    .contentType(ContentType.JSON)
                    .body(batch)
                    .post("/api/v1/batches")
                    .then()
                    .statusCode(200)
                    .body("results.status", contains("DUPLICATE", "DUPLICATE"));

            await().untilAsserted(() -> given().baseUri(server.baseUrl())
                    .auth()
                    .oauth2("it-admin")
                    .get("/api/v1/records/study.household/" + id)
                    .then()
                    .statusCode(200)
                    .body("village", equalTo("Two"))
                    .body("version", equalTo(1)));
            given().baseUri(server.baseUrl())
                    .auth()
                    .oauth2("it-admin")
                    .get("/api/v1/records/study.household/" + id + "/history")
                    .then()
                    .body("seq", contains(1, 2));

            // two-way on the embedded database: the household assigned to the laptop comes down, sealed to it
            assertThat(cli(
                            server,
                            "assignments",
                            "add",
                            "--device",
                            producer,
                            "--model",
                            "study.household",
                            identifier))
                    .contains(identifier);
            io.collectoffline.codec.DeviceSigningKey signing = io.collectoffline.codec.DeviceSigningKey.generate();
            io.collectoffline.codec.DeviceSealingKey sealing = io.collectoffline.codec.DeviceSealingKey.generate();
            given().baseUri(server.baseUrl())
                    .auth()
                    .oauth2(token)
                    .contentType(ContentType.JSON)
                    .body(new io.collectoffline.protocol.KeyRegistration(
                            producer,
                            signing.keyId(),
                            signing.publicKey(),
                            io.collectoffline.protocol.KeyRegistration.proof(
                                    producer, signing.publicKey(), sealing.publicKey(), token),
                            sealing.publicKey()))
                    .post("/api/v1/registrations")
                    .then()
                    .statusCode(204);
            given().baseUri(server.baseUrl())
                    .auth()
                    .oauth2(token)
                    .get("/api/v1/downsync?after=0")
                    .then()
                    .statusCode(200)
                    .body("subscription", org.hamcrest.Matchers.startsWith("assigned:"))
                    .body("entries.transaction.recordId", contains(id.toString(), id.toString()));
        }
        assertThat(dir.resolve("data/server/collect-offline.mv.db")).exists();
        assertThat(dir.resolve("data/server/keys/current")).exists();
    }

    @Test
    void adminCliEnrolsListsAndRevokesDevicesAndReadsStatusAndKeys() throws Exception {
        try (AppProcess server = AppProcess.start(
                        dir, "-Dsync.server.admin-token=it-admin", "-Dsync.server.ingest.accept-unsigned=true")
                .awaitReady()) {
            assertThat(cli(server, "devices", "enrol", "cli-laptop", "--role", "field"))
                    .contains("\"token\":\"co_");
            assertThat(cli(server, "devices", "list")).contains("cli-laptop");
            assertThat(cli(server, "devices", "revoke", "cli-laptop")).contains("revokedAt");
            assertThat(cli(server, "status")).contains("\"counts\"");
        }
        assertThat(cli(
                        null,
                        "keys",
                        "list",
                        "--dir",
                        dir.resolve("data/server/keys").toString()))
                .contains("(current)");
        assertThat(cli(null, "models")).contains("study.subject_visit");
    }

    /** Runs the packaged jar's admin CLI against {@code server}; fails on a non-zero exit. */
    private static String cli(AppProcess server, String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Path.of("target", "quarkus-app", "quarkus-run.jar")
                        .toAbsolutePath()
                        .toString()));
        command.addAll(java.util.List.of(args));
        if (server != null) {
            command.addAll(java.util.List.of("--url", server.baseUrl()));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SYNC_SERVER_ADMIN_TOKEN", "it-admin");
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        return output;
    }
}
