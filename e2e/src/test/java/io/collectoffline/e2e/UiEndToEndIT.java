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
        try (AppProcess server = AppProcess.start(
                        Path.of("..", "sync-server", "target", "quarkus-app", "quarkus-run.jar"),
                        AppProcess.freePort(),
                        dir.resolve("server"),
                        "-Dsync.server.admin-token=ui-admin",
                        "-Dsync.server.apply.interval=200ms")
                .awaitReady()) {
            String token = given().baseUri(server.baseUrl())
                    .auth()
                    .oauth2("ui-admin")
                    .contentType("application/json")
                    .body(Map.of("deviceId", "ui-laptop", "role", "field"))
                    .post("/api/v1/devices")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("token");
            // the person who administers: an account with a password (made here with the test's shared token)
            given().baseUri(server.baseUrl())
                    .auth()
                    .oauth2("ui-admin")
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
                    .oauth2("ui-admin")
                    .contentType("application/json")
                    .body(Map.of(
                            "username", "ui-ra",
                            "displayName", "Refilwe Assistant",
                            "role", "research-assistant",
                            "password", "the assistant's password"))
                    .post("/api/v1/users")
                    .then()
                    .statusCode(201);
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
                        .oauth2("ui-admin")
                        .queryParam("model", "study.household")
                        .get("/api/v1/incoming")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("[0].recordId");
                given().baseUri(server.baseUrl())
                        .auth()
                        .oauth2("ui-admin")
                        .get("/api/v1/records/study.household/" + household + "/history")
                        .then()
                        .statusCode(200)
                        .body("[0].changedBy", org.hamcrest.Matchers.equalTo("ui-ra"));
            }
        }
    }
}
