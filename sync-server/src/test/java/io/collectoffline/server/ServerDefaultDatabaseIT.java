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
 * Smoke test of the quick start: the packaged server runs on its embedded H2 file, generates its key pair, and
 * stores, deduplicates and applies like on PostgreSQL (same SQL in PostgreSQL mode, MERGE for upserts); its first
 * admin is made with the CLI step, and the CLI acts as the person whose token it holds.
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
                            "it-admin",
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
    void theFirstAdminIsMadeWithTheCliStepAndTheCliActsAsThePersonWhoseTokenItHolds() throws Exception {
        // no account, no default password: the first admin comes from the CLI step, on the server's own database
        String made = run(dir, null, "a long first password\n", "users", "add-admin", "alice", "--password-stdin");
        assertThat(made).contains("Admin 'alice' created");
        String alice =
                made.lines().filter(l -> l.startsWith("cou_")).findFirst().orElseThrow();
        try (AppProcess server = AppProcess.start(dir, "-Dsync.server.ingest.accept-unsigned=true")
                .awaitReady()) {
            assertThat(server.output()).doesNotContain("No account exists yet");
            given().baseUri(server.baseUrl())
                    .auth()
                    .oauth2(alice)
                    .get("/api/v1/session")
                    .then()
                    .statusCode(200)
                    .body("username", equalTo("alice"))
                    .body("role", equalTo("admin"));
            assertThat(cli(server, alice, "devices", "enrol", "cli-laptop", "--role", "field"))
                    .contains("\"token\":\"co_");
            assertThat(cli(server, alice, "devices", "list"))
                    .contains("cli-laptop")
                    .contains("\"enrolledBy\":\"alice\"");
            assertThat(cli(server, alice, "devices", "revoke", "cli-laptop")).contains("\"revokedBy\":\"alice\"");
            assertThat(cli(server, alice, "status")).contains("\"counts\"");
            // alice makes a monitor, who logs in with the CLI and may read but not enrol
            run(
                    dir,
                    alice,
                    "bob's long password\n",
                    "users",
                    "add",
                    "bob",
                    "--role",
                    "monitor",
                    "--password-stdin",
                    "--url",
                    server.baseUrl());
            assertThat(cli(server, alice, "users", "list")).contains("\"username\":\"bob\"");
            String issued = run(
                    dir,
                    null,
                    "bob's long password\n",
                    "users",
                    "token",
                    "bob",
                    "--password-stdin",
                    "--url",
                    server.baseUrl());
            String bob = issued.substring(issued.indexOf("cou_"), issued.indexOf('"', issued.indexOf("cou_")));
            assertThat(cli(server, bob, "status")).contains("\"counts\"");
            given().baseUri(server.baseUrl())
                    .auth()
                    .oauth2(bob)
                    .contentType(ContentType.JSON)
                    .body(Map.of("deviceId", "by-bob", "role", "field"))
                    .post("/api/v1/devices")
                    .then()
                    .statusCode(403)
                    .body("detail", org.hamcrest.Matchers.containsString("(monitor) does not allow this"));
        }
        // a second add-admin of the same name is refused: it never overwrites an account
        assertThat(runFailing(dir, "another long password\n", "users", "add-admin", "alice", "--password-stdin"))
                .contains("exists already");
        assertThat(cli(
                        null,
                        null,
                        "keys",
                        "list",
                        "--dir",
                        dir.resolve("data/server/keys").toString()))
                .contains("(current)");
        assertThat(cli(null, null, "models")).contains("study.subject_visit");
    }

    /** Runs the packaged jar's admin CLI against {@code server} as the holder of {@code token}; fails unless 0. */
    private String cli(AppProcess server, String token, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(args));
        if (server != null) {
            command.addAll(List.of("--url", server.baseUrl()));
        }
        return run(dir, token, "", command.toArray(String[]::new));
    }

    /** Runs the packaged jar with {@code args} in {@code workDir}, {@code stdin} as its input; fails unless 0. */
    private static String run(Path workDir, String token, String stdin, String... args) throws Exception {
        Process process = process(workDir, token, args);
        process.getOutputStream().write(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        return output;
    }

    private static String runFailing(Path workDir, String stdin, String... args) throws Exception {
        Process process = process(workDir, null, args);
        process.getOutputStream().write(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isNotZero();
        return output;
    }

    private static Process process(Path workDir, String token, String... args) throws java.io.IOException {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Path.of("target", "quarkus-app", "quarkus-run.jar")
                        .toAbsolutePath()
                        .toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().remove("SYNC_SERVER_ADMIN_TOKEN");
        if (token != null) {
            builder.environment().put("SYNC_SERVER_TOKEN", token);
        } else {
            builder.environment().remove("SYNC_SERVER_TOKEN");
        }
        return builder.start();
    }
}
