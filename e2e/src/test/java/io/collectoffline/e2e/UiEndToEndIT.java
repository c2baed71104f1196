package io.collectoffline.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.collectoffline.testing.AppProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web pages in headless Chromium (playwright-core, {@code ui-test/ui.mjs}): a record created through the
 * laptop's form, pushed with "Push now", seen applied on the server's admin page. Both apps as processes, the
 * server on its embedded database. Needs Node.js, {@code npm ci --prefix ui-test} and Debian's chromium (CI
 * installs them).
 */
class UiEndToEndIT {

    @TempDir
    Path dir;

    @Test
    void recordEnteredInTheFormIsPushedAndSeenOnTheServerPage() throws Exception {
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));
        assertThat(chromium)
                .as("the page test needs Debian's chromium: apt-get install chromium")
                .exists();
        String admin = Nodes.firstAdmin(dir.resolve("server")); // the CLI step, before the first start
        try (AppProcess server = AppProcess.start(
                        Path.of("..", "sync-server", "target", "quarkus-app", "quarkus-run.jar"),
                        AppProcess.freePort(),
                        dir.resolve("server"),
                        "-Dsync.server.apply.interval=200ms",
                        "-Dsync.server.ingest.accept-unsigned=true") // the tablet below signs nothing
                .awaitReady()) {
            String token = Nodes.enrolAs(admin, server, "ui-laptop", "field");
            // the person who administers on the page: an account with a password, made by the first admin
            given().baseUri(server.baseUrl())
                    .auth()
                    .oauth2(admin)
                    .contentType("application/json")
                    .body(Map.of(
                            "username", "ui-admin",
                            "displayName", "Ada Admin",
                            "role", "admin",
                            "password", "the admin's long password"))
                    .post("/api/v1/users")
                    .then()
                    .statusCode(201);
            // the research assistant who enters data on the laptop, offline: their account travels to it
            given().baseUri(server.baseUrl())
                    .auth()
                    .oauth2(admin)
                    .contentType("application/json")
                    .body(Map.of(
                            "username", "ui-ra",
                            "displayName", "Refilwe Assistant",
                            "role", "research-assistant",
                            "password", "the assistant's password"))
                    .post("/api/v1/users")
                    .then()
                    .statusCode(201);
            heldBackTransaction(server, admin);
            int serverPort =
                    Integer.parseInt(server.baseUrl().substring(server.baseUrl().lastIndexOf(':') + 1));
            try (AppProcess laptop = Nodes.laptop(
                            dir, "ui-laptop", serverPort, token, "-Dsync.client.users.login=required")
                    .awaitReady()) {
                Path shots = Files.createDirectories(Path.of("target", "ui-screenshots"));
                Process ui = new ProcessBuilder(
                                "node",
                                Path.of("..", "ui-test", "ui.mjs").toString(),
                                laptop.baseUrl(),
                                server.baseUrl(),
                                "ui-admin",
                                "the admin's long password",
                                shots.toAbsolutePath().toString())
                        .redirectErrorStream(true)
                        .start();
                ui.getOutputStream().close();
                String output = new String(ui.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(ui.waitFor(120, TimeUnit.SECONDS)).isTrue();
                assertThat(ui.exitValue())
                        .as(output + "\nlaptop log:\n" + laptop.output())
                        .isZero();
                assertThat(output).contains("ui: ok");
                // on the server, the change is the logged-in assistant's, whatever a client could have claimed
                String household = given().baseUri(server.baseUrl())
                        .auth()
                        .oauth2(admin)
                        .queryParam("model", "study.household")
                        .get("/api/v1/incoming")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("[0].recordId");
                given().baseUri(server.baseUrl())
                        .auth()
                        .oauth2(admin)
                        .get("/api/v1/records/study.household/" + household + "/history")
                        .then()
                        .statusCode(200)
                        .body("[0].changedBy", org.hamcrest.Matchers.equalTo("ui-ra"));
            }
        }
    }

    /**
     * A transaction the server holds back, for the page's Content button: a tablet's subject whose household never
     * arrived (DEFERRED).
     */
    private static void heldBackTransaction(AppProcess server, String admin) {
        String tablet = Nodes.enrolAs(admin, server, "ui-tablet", "field");
        String id = java.util.UUID.randomUUID().toString();
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("id", id);
        fields.put("version", 0);
        fields.put("created", "2026-11-20T08:00:00Z");
        fields.put("modified", "2026-11-20T08:00:00Z");
        fields.put("user_created", "tablet-user");
        fields.put("user_modified", "tablet-user");
        fields.put("hostname_created", "tablet");
        fields.put("hostname_modified", "tablet");
        fields.put("device_created", "ui-tablet");
        fields.put("device_modified", "ui-tablet");
        fields.put("subject_identifier", "S-UI-HELD");
        fields.put("household_id", java.util.UUID.randomUUID().toString());
        fields.put("initials", "HB");
        fields.put("gender", "F");
        fields.put("dob", "1990-01-01");
        fields.put("consent_datetime", "2026-11-20T08:30:00Z");
        String payload;
        try {
            payload = java.util.Base64.getEncoder()
                    .encodeToString(new com.fasterxml.jackson.databind.ObjectMapper()
                            .writeValueAsBytes(Map.of("model", "study.subject", "schemaVersion", 1, "fields", fields)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> tx = new java.util.LinkedHashMap<>();
        tx.put("txId", java.util.UUID.randomUUID().toString());
        tx.put("producer", "ui-tablet");
        tx.put("seq", 1);
        tx.put("model", "study.subject");
        tx.put("recordId", id);
        tx.put("action", "INSERT");
        tx.put("capturedAt", "2026-11-20T08:00:00Z");
        tx.put("keyId", "plain-json");
        tx.put("payload", payload);
        given().baseUri(server.baseUrl())
                .auth()
                .oauth2(tablet)
                .contentType("application/json")
                .body(Map.of(
                        "batchId",
                        java.util.UUID.randomUUID().toString(),
                        "sender",
                        "ui-tablet",
                        "transactions",
                        java.util.List.of(tx)))
                .post("/api/v1/batches")
                .then()
                .statusCode(200)
                .body("results[0].status", org.hamcrest.Matchers.equalTo("ACCEPTED"));
    }
}
