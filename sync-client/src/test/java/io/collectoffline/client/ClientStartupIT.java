package io.collectoffline.client;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.collectoffline.testing.AppProcess;
import io.collectoffline.testing.SmallDisk;
import io.restassured.http.ContentType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged laptop app started as a process: first start, restarts, kills and refused configurations. */
class ClientStartupIT {

    /** Data is entered here as tools do, named by a header (LaptopLoginTest tests logins). */
    private static final String LOGINS_OFF = "-Dsync.client.users.login=off";

    @TempDir
    Path dir;

    private String dbPath() throws Exception {
        return "-Dsync.client.db-path=" + dir.resolve("db").resolve("collect-offline");
    }

    /** The server key a laptop set up offline is given as a file (as {@code keys current} prints it). */
    private String keyFile() throws Exception {
        Path keys = dir.resolve("server-keys");
        if (!io.collectoffline.codec.KeyRing.exists(keys)) {
            io.collectoffline.codec.ServerPublicKey key = io.collectoffline.codec.KeyRing.generate(keys);
            Files.writeString(keys.resolve("public.json"), key.toJson());
        }
        return "-Dsync.client.payload.public-key-file=" + keys.resolve("public.json");
    }

    @Test
    void firstStartCreatesTheDatabaseFileAndMintsADeviceId() throws Exception {
        try (AppProcess app =
                AppProcess.start(dir, LOGINS_OFF, dbPath(), keyFile()).awaitReady()) {
            given().baseUri(app.baseUrl())
                    .get("/api/v1/status")
                    .then()
                    .statusCode(200)
                    .body("producer", startsWith("laptop-"))
                    .body("captureEnabled", equalTo(true));
        }
        assertThat(dir.resolve("db").resolve("collect-offline.mv.db")).exists();
    }

    @Test
    void recordsAndOutboxSurviveAKillNineAndTheDeviceIdIsKept() throws Exception {
        String producer;
        List<String> ids = new ArrayList<>();
        try (AppProcess app =
                AppProcess.start(dir, LOGINS_OFF, dbPath(), keyFile()).awaitReady()) {
            producer = given().baseUri(app.baseUrl())
                    .get("/api/v1/status")
                    .then()
                    .extract()
                    .path("producer");
            for (int i = 0; i < 5; i++) {
                ids.add(given().baseUri(app.baseUrl())
                        .contentType(ContentType.JSON)
                        .body(Map.of("householdIdentifier", "HH-KILL-" + i))
                        .post("/api/v1/records/study.household")
                        .then()
                        .statusCode(201)
                        .extract()
                        .path("id"));
            }
            app.kill(); // at once: a saved record must be on disk when the API has said 201
        }

        try (AppProcess app =
                AppProcess.start(dir, LOGINS_OFF, dbPath(), keyFile()).awaitReady()) {
            for (String id : ids) {
                given().baseUri(app.baseUrl())
                        .get("/api/v1/records/study.household/" + id)
                        .then()
                        .statusCode(200);
            }
            given().baseUri(app.baseUrl())
                    .get("/api/v1/status")
                    .then()
                    .body("producer", equalTo(producer))
                    .body("pending", equalTo(5))
                    .body("lastSeq", equalTo(5));
        }
    }

    /**
     * A laptop whose disk fills up: the save that does not fit is answered 507 disk-full (not a 500 that says
     * nothing), nothing of it is written and what was saved before is kept; once space is freed, the same request is
     * taken without a restart. The disk is a 24 MB tmpfs of the laptop's own, 8 MB of it a ballast file the test
     * deletes: mounted in a mount namespace of the laptop's process alone (a user namespace lets a test do that
     * without root).
     */
    @Test
    void aFullDiskIsAnsweredDiskFullWritesNothingOfTheRequestAndTheLaptopTakesChangesAgainOnceSpaceIsFreed()
            throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                SmallDisk.possible(), "this machine lets no test make a mount namespace (unshare --user --mount)");
        SmallDisk disk = new SmallDisk(dir.resolve("small").toAbsolutePath(), 24, 8, "");
        try (AppProcess app = disk.start(
                        dir,
                        LOGINS_OFF,
                        keyFile(),
                        "-Dsync.client.db-path=" + disk.mountPoint().resolve("collect-offline"))
                .awaitReady()) {
            int saved = 0;
            io.restassured.response.Response refused = null;
            List<Map<String, Object>> households = null;
            for (int request = 0; request < 200 && refused == null; request++) {
                households = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    households.add(Map.of(
                            "householdIdentifier", "HH-FULL-" + request + "-" + i,
                            "village", "Oodi, by the river, past the clinic",
                            "enumerationDate", "2026-11-20"));
                }
                io.restassured.response.Response answer = given().baseUri(app.baseUrl())
                        .contentType(ContentType.JSON)
                        .body(households)
                        .post("/api/v1/records/study.household/bulk");
                if (answer.statusCode() == 200) {
                    saved += households.size();
                } else {
                    refused = answer;
                }
            }
            assertThat(refused).as("the disk never filled up").isNotNull();
            assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(507);
            assertThat(refused.jsonPath().getString("type")).isEqualTo("urn:collect-offline:problem:disk-full");
            assertThat(refused.jsonPath().getString("detail")).contains("Free space on that disk");
            assertThat(saved).isPositive();
            given().baseUri(app.baseUrl())
                    .get("/api/v1/status")
                    .then()
                    .statusCode(200)
                    .body("pending", equalTo(saved)); // nothing of the refused request, everything before it

            disk.freeBallast(app);
            given().baseUri(app.baseUrl())
                    .contentType(ContentType.JSON)
                    .body(households)
                    .post("/api/v1/records/study.household/bulk")
                    .then()
                    .statusCode(200);
            given().baseUri(app.baseUrl())
                    .get("/api/v1/status")
                    .then()
                    .statusCode(200)
                    .body("pending", equalTo(saved + households.size()));
        }
    }

    @Test
    void restartWithAnotherDeviceIdIsRefusedNamingTheKey() throws Exception {
        try (AppProcess app = AppProcess.start(
                        dir, LOGINS_OFF, dbPath(), keyFile(), "-Dsync.client.device-id=clinic-07")
                .awaitReady()) {
            app.close();
        }

        AppProcess refused =
                AppProcess.start(dir, LOGINS_OFF, dbPath(), keyFile(), "-Dsync.client.device-id=clinic-08");
        assertThat(refused.awaitExit()).isNotZero();
        assertThat(refused.output()).contains("sync.client.device-id").contains("clinic-07");
    }

    @Test
    void unknownPayloadCodecStopsStartupNamingTheKey() throws Exception {
        AppProcess refused = AppProcess.start(dir, LOGINS_OFF, dbPath(), "-Dsync.client.payload.codec=rot13");

        assertThat(refused.awaitExit()).isNotZero();
        assertThat(refused.output()).contains("sync.client.payload.codec").contains("rot13");
    }

    @Test
    void batchesInFlightOutsideOneToFourStopTheStartNamingTheSetting() throws Exception {
        AppProcess refused = AppProcess.start(dir, LOGINS_OFF, dbPath(), keyFile(), "-Dsync.client.push.in-flight=0");
        assertThat(refused.awaitExit()).isNotZero();
        assertThat(refused.output())
                .contains("sync.client.push.in-flight")
                .contains("batches in flight must be a whole number from 1 to 4, not '0'");
    }

    @Test
    void sealedCodecWithoutAServerKeyStopsStartupNamingTheSettings() throws Exception {
        AppProcess refused = AppProcess.start(dir, LOGINS_OFF, dbPath());

        assertThat(refused.awaitExit()).isNotZero();
        assertThat(refused.output())
                .contains("sync.client.payload.public-key-file")
                .contains("sync.client.server.url")
                // the one error is the setting: no scheduled job runs into the database the failed start shut down
                .doesNotContain("EntityManagerFactory");
    }

    @Test
    void naturalKeyWithoutUniqueConstraintStopsStartupNamingTheModel() throws Exception {
        try (AppProcess app =
                AppProcess.start(dir, LOGINS_OFF, dbPath(), keyFile()).awaitReady()) {
            app.close();
        }
        try (Connection connection = DriverManager.getConnection(
                        "jdbc:h2:file:" + dir.resolve("db").resolve("collect-offline"), "sa", "");
                Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE subject DROP CONSTRAINT uq_subject_identifier");
        }

        AppProcess refused = AppProcess.start(dir, LOGINS_OFF, dbPath(), keyFile());
        assertThat(refused.awaitExit()).isNotZero();
        assertThat(refused.output())
                .contains("offline model study.subject")
                .contains("natural key (subject_identifier) is not unique");
        assertThat(Files.exists(dir.resolve("db").resolve("collect-offline.mv.db")))
                .isTrue();
    }
}
