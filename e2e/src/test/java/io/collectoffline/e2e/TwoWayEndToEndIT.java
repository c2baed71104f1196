package io.collectoffline.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.testing.AppProcess;
import io.restassured.http.ContentType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two-way (issue 17, README "Two-way") with real processes: a server and two field laptops. What one laptop enters
 * reaches the other through the server's down-sync, is visited there and comes back up exactly once; conflicting
 * edits made offline on both converge to the same record on both laptops and the server; nothing received is sent
 * back up; a revoked laptop receives nothing.
 */
class TwoWayEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeEach
    void freshServerDatabase() throws Exception {
        Nodes.resetServerDatabase();
    }

    @Test
    void aSubjectEnrolledOnOneLaptopIsVisitedOnAnotherAndArrivesExactlyOnce() throws Exception {
        int port = AppProcess.freePort();
        try (AppProcess server = Nodes.server(dir, port)) {
            String tokenA = Nodes.enrol(server, "laptop-a", "field");
            String tokenB = Nodes.enrol(server, "laptop-b", "field");
            try (AppProcess a = Nodes.laptop(dir, "laptop-a", port, tokenA).awaitReady();
                    AppProcess b = Nodes.laptop(dir, "laptop-b", port, tokenB).awaitReady()) {
                List<UUID> ids = Nodes.enterHouseholdsWithSubjects(a, 1);
                UUID subject = ids.get(1);
                push(a, 2);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> Nodes.serverCount("SELECT COUNT(*) FROM subject") == 1);

                // before two-way this was refused: "refers to a study.subject record that does not exist"
                receive(b).body("outcome", equalTo("DONE")).body("applied", equalTo(2));
                given().baseUri(b.baseUrl())
                        .get("/api/v1/records/study.subject/" + subject)
                        .then()
                        .statusCode(200)
                        .body("subjectIdentifier", equalTo("S-0"));
                String visit = enterVisit(b, subject);
                // nothing received echoes back up: laptop B sends only its visit
                push(b, 1);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> Nodes.serverCount("SELECT COUNT(*) FROM subject_visit") == 1);
                assertThat(Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction"))
                        .isEqualTo(3);
                assertThat(Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction WHERE status = 'APPLIED'"))
                        .isEqualTo(3);

                // A receives B's visit, and the verdicts on its own two changes; B its own verdict
                receive(a).body("applied", equalTo(1)).body("verdicts", equalTo(2));
                receive(b).body("applied", equalTo(0)).body("verdicts", equalTo(1));
                given().baseUri(a.baseUrl())
                        .get("/api/v1/records/study.subject_visit/" + visit)
                        .then()
                        .statusCode(200)
                        .body("visitCode", equalTo("1000"));
                // received a second time: nothing changes
                receive(b).body("applied", equalTo(0)).body("verdicts", equalTo(0));
                given().baseUri(b.baseUrl())
                        .get("/api/v1/status")
                        .then()
                        .body("pending", equalTo(0))
                        .body("lastSeq", equalTo(1))
                        .body("downsync.behind", equalTo(0))
                        .body("downsync.received.APPLIED", equalTo(2));
                // the received subject keeps its history as the server knows it: made by laptop A
                given().baseUri(b.baseUrl())
                        .get("/api/v1/records/study.subject/" + subject + "/history")
                        .then()
                        .statusCode(200)
                        .body("[0].deviceId", equalTo("laptop-a"));
                assertSameRecords(a, b, "study.household", ids.get(0));
                assertSameRecords(a, b, "study.subject", subject);
                assertSameRecords(a, b, "study.subject_visit", UUID.fromString(visit));

                // a revoked laptop receives nothing
                Nodes.admin(server)
                        .post("/api/v1/devices/laptop-b/revoke")
                        .then()
                        .statusCode(200);
                receive(b)
                        .body("outcome", equalTo("AUTH_FAILED"))
                        .body("error", org.hamcrest.Matchers.containsString("401"));
            }
        }
    }

    @Test
    void conflictingEditsOnTwoLaptopsConvergeToTheSameRecordOnBothAndTheServer() throws Exception {
        int port = AppProcess.freePort();
        try (AppProcess server = Nodes.server(dir, port)) {
            String tokenA = Nodes.enrol(server, "laptop-a", "field");
            String tokenB = Nodes.enrol(server, "laptop-b", "field");
            try (AppProcess a = Nodes.laptop(dir, "laptop-a", port, tokenA).awaitReady();
                    AppProcess b = Nodes.laptop(dir, "laptop-b", port, tokenB).awaitReady()) {
                List<UUID> ids = Nodes.enterHouseholdsWithSubjects(a, 2);
                push(a, 4);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> Nodes.serverCount("SELECT COUNT(*) FROM subject") == 2);
                receive(b).body("applied", equalTo(4));

                // household 0: A edits first, then B (B's edit is the later one); household 1: the other way round
                edit(a, ids.get(0), "edited on A");
                edit(b, ids.get(0), "edited on B");
                edit(b, ids.get(2), "edited on B");
                edit(a, ids.get(2), "edited on A");
                push(a, 2);
                push(b, 2);
                await().atMost(Duration.ofSeconds(30))
                        .until(() ->
                                Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction WHERE status = 'APPLIED'")
                                        == 8);
                assertThat(Nodes.serverCount("SELECT COUNT(*) FROM record_conflict"))
                        .isEqualTo(2);

                receive(a);
                receive(b);
                for (UUID household : List.of(ids.get(0), ids.get(2))) {
                    assertSameRecords(a, b, "study.household", household);
                    String onServer = Nodes.admin(server)
                            .get("/api/v1/records/study.household/" + household)
                            .then()
                            .statusCode(200)
                            .extract()
                            .path("village");
                    String onA = given().baseUri(a.baseUrl())
                            .get("/api/v1/records/study.household/" + household)
                            .then()
                            .extract()
                            .path("village");
                    assertThat(onA).isEqualTo(onServer);
                }
                // every laptop's edit came back with its verdict; nothing is left held back
                given().baseUri(a.baseUrl()).get("/api/v1/downsync").then().body("heldBack", equalTo(0));
                given().baseUri(b.baseUrl()).get("/api/v1/downsync").then().body("heldBack", equalTo(0));
            }
        }
    }

    /**
     * The same household enrolled on two laptops (a natural-key clash): laptop B's database cannot hold A's beside
     * its own and refuses it; the server holds B's as CONFLICT; an admin keeps A's (B's merged into it). B's next
     * down-sync merges its household into A's — its subject moves to A's household and its edit of its household is
     * A's household's, as on the server — and both laptops and the server hold the same records. Before, A's
     * household never reached B, and A received B's subject in a household it did not hold.
     */
    @Test
    void aHouseholdEnrolledOnTwoLaptopsEndsTheSameOnBothOnceAnAdminSettlesTheClash() throws Exception {
        int port = AppProcess.freePort();
        try (AppProcess server = Nodes.server(dir, port)) {
            String tokenA = Nodes.enrol(server, "laptop-a", "field");
            String tokenB = Nodes.enrol(server, "laptop-b", "field");
            try (AppProcess a = Nodes.laptop(dir, "laptop-a", port, tokenA).awaitReady();
                    AppProcess b = Nodes.laptop(dir, "laptop-b", port, tokenB).awaitReady()) {
                given().baseUri(a.baseUrl())
                        .contentType(ContentType.JSON)
                        .body(Map.of("householdIdentifier", "HH-0", "village", "Oodi"))
                        .post("/api/v1/records/study.household")
                        .then()
                        .statusCode(201);
                push(a, 1);
                awaitApplied(1);
                List<UUID> onB = Nodes.enterHouseholdsWithSubjects(b, 0, 1); // HH-0 again, with subject S-0

                receive(b).body("applied", equalTo(0)).body("refused", equalTo(1));
                edit(b, onB.get(0), "edited on B"); // B's own household, edited before it goes up
                push(b, 3);
                await().atMost(Duration.ofSeconds(30))
                        .until(() ->
                                Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction WHERE status = 'CONFLICT'")
                                        == 1);
                String clash;
                try (java.sql.Connection c = java.sql.DriverManager.getConnection(Nodes.JDBC, "postgres", "");
                        java.sql.ResultSet rs = c.createStatement()
                                .executeQuery("SELECT tx_id FROM incoming_transaction WHERE status = 'CONFLICT'")) {
                    rs.next();
                    clash = rs.getString(1);
                }
                Nodes.admin(server)
                        .contentType(ContentType.JSON)
                        .body(Map.of("action", "keep-existing", "reason", "the same household, enrolled twice"))
                        .post("/api/v1/incoming/" + clash + "/resolve")
                        .then()
                        .statusCode(200);
                awaitApplied(3); // A's household, B's edit of its household and B's subject: to A's household

                receive(b).body("applied", equalTo(1)).body("verdicts", equalTo(3));
                receive(a);
                assertSameHouseholdsAndSubjects(server, a, b);
                assertThat(laptopRecords(b, "study.household"))
                        .doesNotContainKey(onB.get(0).toString());
                assertThat(laptopRecords(b, "study.household").values())
                        .extracting(household -> household.get("village").asText())
                        .containsExactly("edited on B");
                given().baseUri(b.baseUrl())
                        .get("/api/v1/status")
                        .then()
                        .body("pending", equalTo(0))
                        .body("downsync.heldBack", equalTo(0));
            }
        }
    }

    @Test
    void aDownSyncKilledHalfwayResumesWhereItStoppedAndHoldsEveryRecordOnce() throws Exception {
        int port = AppProcess.freePort();
        int households = 300;
        try (AppProcess server = Nodes.server(dir, port)) {
            String tokenA = Nodes.enrol(server, "laptop-a", "field");
            String tokenB = Nodes.enrol(server, "laptop-b", "field");
            try (AppProcess a = Nodes.laptop(dir, "laptop-a", port, tokenA).awaitReady()) {
                List<Map<String, String>> rows = new java.util.ArrayList<>();
                for (int i = 0; i < households; i++) {
                    rows.add(Map.of("householdIdentifier", "HH-" + i, "village", "Oodi"));
                }
                given().baseUri(a.baseUrl())
                        .contentType(ContentType.JSON)
                        .body(rows)
                        .post("/api/v1/records/study.household/bulk")
                        .then()
                        .statusCode(200);
                push(a, households);
            }
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> Nodes.serverCount("SELECT COUNT(*) FROM household") == households);
            Path folder = dir.resolve("laptop-b");
            try (AppProcess b = Nodes.laptopIn(folder, "laptop-b", port, tokenB, "-Dsync.client.downsync.page-size=1")
                    .awaitReady()) {
                given().baseUri(b.baseUrl()).post("/api/v1/downsync").then().statusCode(202);
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> given().baseUri(b.baseUrl())
                                        .get("/api/v1/downsync")
                                        .then()
                                        .extract()
                                        .<Integer>path("checkpoint")
                                >= 20);
                b.kill(); // as a flat battery would, between two pages or in the middle of one
            }
            try (AppProcess b = Nodes.laptopIn(folder, "laptop-b", port, tokenB).awaitReady()) {
                long held = given().baseUri(b.baseUrl())
                        .get("/api/v1/records/study.household")
                        .then()
                        .extract()
                        .<Integer>path("total");
                assertThat(held).as("some, not all, before the kill").isBetween(1L, households - 1L);
                receive(b).body("outcome", equalTo("DONE")).body("applied", equalTo((int) (households - held)));
                given().baseUri(b.baseUrl())
                        .get("/api/v1/records/study.household")
                        .then()
                        .body("total", equalTo(households));
                given().baseUri(b.baseUrl())
                        .get("/api/v1/status")
                        .then()
                        .body("lastSeq", equalTo(0))
                        .body("downsync.behind", equalTo(0))
                        .body("downsync.received.APPLIED", equalTo(households));
            }
        }
    }

    @Test
    void afterAMixedWorkloadTheServerAndBothLaptopsHoldTheSameRecordsFieldByField() throws Exception {
        int port = AppProcess.freePort();
        try (AppProcess server = Nodes.server(dir, port)) {
            String tokenA = Nodes.enrol(server, "laptop-a", "field");
            String tokenB = Nodes.enrol(server, "laptop-b", "field");
            try (AppProcess a = Nodes.laptop(dir, "laptop-a", port, tokenA).awaitReady();
                    AppProcess b = Nodes.laptop(dir, "laptop-b", port, tokenB).awaitReady()) {
                List<UUID> onA = Nodes.enterHouseholdsWithSubjects(a, 0, 5); // HH-0..4 with S-0..4
                List<UUID> onB = Nodes.enterHouseholdsWithSubjects(b, 5, 5); // HH-5..9 with S-5..9
                push(a, 10);
                push(b, 10);
                receive(a);
                receive(b);

                // creates, edits on both sides of one record, edits of the other laptop's records, deletes,
                // a delete on one laptop against an edit on the other, delete then re-create with the same key
                edit(a, onB.get(2), "A edits B's household");
                edit(b, onB.get(2), "B edits its own household");
                edit(b, onA.get(0), "B edits A's household");
                delete(b, "study.subject", onA.get(3)); // A's subject S-1, deleted on B
                delete(a, "study.subject", onA.get(9)); // A's own subject S-4 and its household
                delete(a, "study.household", onA.get(8));
                delete(a, "study.subject", onA.get(7)); // A deletes HH-3 (and S-3) while B edits HH-3
                delete(a, "study.household", onA.get(6));
                edit(b, onA.get(6), "B edits what A deletes");
                delete(b, "study.subject", onB.get(9)); // B deletes S-9 and HH-9, then enters HH-9 again
                delete(b, "study.household", onB.get(8));
                given().baseUri(b.baseUrl())
                        .contentType(ContentType.JSON)
                        .body(Map.of("householdIdentifier", "HH-9", "village", "Again"))
                        .post("/api/v1/records/study.household")
                        .then()
                        .statusCode(201);
                Nodes.enterHouseholdsWithSubjects(a, 10, 2);

                for (int round = 0; round < 2; round++) {
                    for (AppProcess laptop : List.of(a, b)) {
                        given().baseUri(laptop.baseUrl())
                                .queryParam("wait", true)
                                .post("/api/v1/push")
                                .then()
                                .statusCode(200);
                    }
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction WHERE status "
                                            + "NOT IN ('APPLIED', 'SKIPPED')")
                                    == 0);
                    receive(a);
                    receive(b);
                }
                assertSameHouseholdsAndSubjects(server, a, b);
                assertThat(serverRecords(server, "study.household")).hasSizeGreaterThanOrEqualTo(10);
            }
        }
    }

    @Test
    void aMiddlemanCarriesTheDownSyncToAFieldLaptopThatNeverReachesTheServerWithoutReadingIt() throws Exception {
        String pairing = "pair-two-way";
        int port = AppProcess.freePort();
        try (AppProcess server = Nodes.server(dir, port)) {
            String tokenA = Nodes.enrol(server, "laptop-a", "field");
            String tokenF = Nodes.enrol(server, "field-b", "field");
            String tokenM = Nodes.enrol(server, "driver-e2e", "middleman");
            // the field laptop never reaches the server: it is set up with the server's key file (keys current)
            Path keyFile = dir.resolve("server-key.json");
            java.nio.file.Files.writeString(
                    keyFile,
                    given().baseUri(server.baseUrl())
                            .auth()
                            .oauth2(tokenF)
                            .get("/api/v1/keys/current")
                            .then()
                            .statusCode(200)
                            .extract()
                            .asString());
            try (AppProcess a = Nodes.laptop(dir, "laptop-a", port, tokenA).awaitReady();
                    AppProcess field = Nodes.laptop(
                                    dir,
                                    "field-b",
                                    port,
                                    tokenF,
                                    "-Dsync.client.server.url=",
                                    "-Dsync.client.payload.public-key-file=" + keyFile,
                                    "-Dsync.client.pull.pairing-token=" + pairing)
                            .awaitReady();
                    AppProcess middleman = Nodes.laptop(dir, "driver-e2e", port, tokenM, "-Dsync.client.role=middleman")
                            .awaitReady()) {
                List<UUID> ids = Nodes.enterHouseholdsWithSubjects(a, 1);
                UUID subject = ids.get(1);
                push(a, 2);
                given().baseUri(field.baseUrl())
                        .contentType(ContentType.JSON)
                        .body(Map.of("householdIdentifier", "HH-F", "village", "Oodi"))
                        .post("/api/v1/records/study.household")
                        .then()
                        .statusCode(201);

                // first visit: the driver takes the field laptop's change (and its keys) to the server …
                pull(middleman, field, pairing).body("pulled", equalTo(1));
                push(middleman, 1);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> Nodes.serverCount("SELECT COUNT(*) FROM household") == 2);
                // … and, at the server, fetches the field laptop's down-sync to carry it back, with the accounts of
                // the research assistants (one made on the server since), signed by the server
                Nodes.as(server, "nthabiseng", "research-assistant");
                receive(middleman).body("outcome", equalTo("DONE"));
                // second visit: the field laptop takes it and holds A's subject; the new assistant can log in there
                pull(middleman, field, pairing)
                        .body("downsync", equalTo(2))
                        .body("accountsTaken", equalTo(true))
                        .body("accounts", equalTo(1));
                given().baseUri(field.baseUrl())
                        .contentType(ContentType.JSON)
                        .body(Map.of("username", "nthabiseng", "password", "nthabiseng's long password"))
                        .post("/api/v1/session")
                        .then()
                        .statusCode(200);
                given().baseUri(field.baseUrl())
                        .get("/api/v1/records/study.subject/" + subject)
                        .then()
                        .statusCode(200)
                        .body("subjectIdentifier", equalTo("S-0"));
                given().baseUri(field.baseUrl())
                        .get("/api/v1/status")
                        .then()
                        .body("downsync.received.APPLIED", equalTo(2))
                        .body("downsync.received.VERDICT", equalTo(1));
                // the middleman never held it readable: no record of A's on the middleman
                given().baseUri(middleman.baseUrl())
                        .get("/api/v1/records/study.subject")
                        .then()
                        .body("total", equalTo(0));

                // a visit for the received subject goes up through the middleman, exactly once
                enterVisit(field, subject);
                pull(middleman, field, pairing)
                        .body("pulled", equalTo(1))
                        .body("downsync", equalTo(null))
                        .body("accountsTaken", equalTo(false)); // it holds that list already
                push(middleman, 1);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> Nodes.serverCount("SELECT COUNT(*) FROM subject_visit") == 1);
                assertThat(Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction"))
                        .isEqualTo(4);
            }
        }
    }

    /** Enters visit 1000 of {@code subject} on {@code laptop}; returns its id. */
    @Test
    void aHouseholdAssignedToALaptopOfAnotherSiteReachesItWithItsSubjectsAndTheScheduleReachesEveryone()
            throws Exception {
        int port = AppProcess.freePort();
        try (AppProcess server = Nodes.server(dir, port)) {
            String tokenA = Nodes.enrolIn(server, "laptop-a", "north");
            String tokenB = Nodes.enrolIn(server, "laptop-b", "south");
            try (AppProcess a = Nodes.laptop(dir, "laptop-a", port, tokenA).awaitReady();
                    AppProcess b = Nodes.laptop(dir, "laptop-b", port, tokenB).awaitReady()) {
                List<UUID> ids = Nodes.enterHouseholdsWithSubjects(a, 2); // HH-0, S-0, HH-1, S-1
                given().baseUri(a.baseUrl())
                        .contentType(ContentType.JSON)
                        .body(Map.of("visitCode", "1000", "title", "Enrolment", "daysAfterEnrolment", 0))
                        .post("/api/v1/records/study.visit_definition")
                        .then()
                        .statusCode(201);
                push(a, 5);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> Nodes.serverCount("SELECT COUNT(*) FROM visit_definition") == 1);

                // another site's laptop: only the schedule (a reference model) comes down
                receive(b).body("outcome", equalTo("DONE")).body("applied", equalTo(1));
                assertThat(laptopRecords(b, "study.household")).isEmpty();
                assertThat(laptopRecords(b, "study.visit_definition")).hasSize(1);

                // HH-0 given to laptop B: the household and its subject come, HH-1 does not
                Nodes.admin(server)
                        .contentType(ContentType.JSON)
                        .body(Map.of("model", "study.household", "keys", List.of("HH-0")))
                        .post("/api/v1/devices/laptop-b/assignments")
                        .then()
                        .statusCode(200);
                receive(b).body("outcome", equalTo("DONE")).body("applied", equalTo(2));
                assertThat(laptopRecords(b, "study.household"))
                        .containsOnlyKeys(ids.get(0).toString());
                assertThat(laptopRecords(b, "study.subject"))
                        .containsOnlyKeys(ids.get(1).toString());
                assertSameRecords(a, b, "study.subject", ids.get(1));
                Nodes.admin(server)
                        .get("/api/v1/devices/laptop-b/downsync")
                        .then()
                        .body("subscription", org.hamcrest.Matchers.startsWith("assigned:"));

                // the assigned subject's visit on B goes up exactly once, its verdict comes back to B, and it goes
                // down to A: the subject's household is at home in A's site, whichever site's laptop visits it
                String visit = enterVisit(b, ids.get(1));
                push(b, 1);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> Nodes.serverCount("SELECT COUNT(*) FROM subject_visit") == 1);
                assertThat(Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction WHERE producer = 'laptop-b'"))
                        .isEqualTo(1);
                receive(b).body("verdicts", equalTo(1));
                receive(a).body("applied", equalTo(1));
                assertSameRecords(a, b, "study.subject_visit", UUID.fromString(visit));

                // unassigned: B's feed is its site's again; what it received stays (kept, not purged)
                Nodes.admin(server)
                        .queryParam("model", "study.household")
                        .queryParam("key", "HH-0")
                        .delete("/api/v1/devices/laptop-b/assignments")
                        .then()
                        .statusCode(200);
                receive(b).body("outcome", equalTo("DONE")).body("applied", equalTo(0));
                assertThat(laptopRecords(b, "study.household")).hasSize(1);
                given().baseUri(b.baseUrl())
                        .get("/api/v1/status")
                        .then()
                        .body("pending", equalTo(0))
                        .body("downsync.subscription", equalTo("site:south"));
            }
        }
    }

    static String enterVisit(AppProcess laptop, UUID subject) {
        return given().baseUri(laptop.baseUrl())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "subjectId",
                        subject.toString(),
                        "visitCode",
                        "1000",
                        "visitDatetime",
                        "2026-12-01T10:00:00+02:00"))
                .post("/api/v1/records/study.subject_visit")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    private static io.restassured.response.ValidatableResponse pull(
            AppProcess middleman, AppProcess field, String pairing) {
        return given().baseUri(middleman.baseUrl())
                .contentType(ContentType.JSON)
                .body(Map.of("url", field.baseUrl(), "pairingToken", pairing))
                .post("/api/v1/middleman/pull")
                .then()
                .log()
                .ifValidationFails()
                .statusCode(200);
    }

    private static void delete(AppProcess laptop, String model, UUID id) {
        given().baseUri(laptop.baseUrl())
                .delete("/api/v1/records/" + model + "/" + id)
                .then()
                .statusCode(204);
    }

    /** The households and subjects of both laptops are the server's, field by field. */
    private static void assertSameHouseholdsAndSubjects(AppProcess server, AppProcess a, AppProcess b)
            throws Exception {
        for (String model : List.of("study.household", "study.subject")) {
            Map<String, JsonNode> serverRecords = serverRecords(server, model);
            assertThat(laptopRecords(a, model))
                    .as(model + " on A and on the server")
                    .isEqualTo(serverRecords);
            assertThat(laptopRecords(b, model))
                    .as(model + " on B and on the server")
                    .isEqualTo(serverRecords);
        }
    }

    /** Every record of {@code model} on the server, by id, keys and values normalised like {@link #normalised}. */
    static Map<String, JsonNode> serverRecords(AppProcess server, String model) throws Exception {
        Map<String, JsonNode> records = new java.util.TreeMap<>();
        String table = model.substring(model.indexOf('.') + 1);
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(Nodes.JDBC, "postgres", "");
                java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT id FROM " + table)) {
            while (rs.next()) {
                String id = rs.getString(1);
                records.put(
                        id,
                        normalised(JSON.readTree(Nodes.admin(server)
                                .get("/api/v1/records/" + model + "/" + id)
                                .then()
                                .statusCode(200)
                                .extract()
                                .asString())));
            }
        }
        return records;
    }

    static Map<String, JsonNode> laptopRecords(AppProcess laptop, String model) throws Exception {
        Map<String, JsonNode> records = new java.util.TreeMap<>();
        JsonNode page = JSON.readTree(given().baseUri(laptop.baseUrl())
                .queryParam("size", 500)
                .get("/api/v1/records/" + model)
                .then()
                .statusCode(200)
                .extract()
                .asString());
        for (JsonNode item : page.get("items")) {
            records.put(item.get("id").asText(), normalised(item));
        }
        return records;
    }

    /** Field names in snake_case (the server's columns), instants as UTC instants, numbers as decimals. */
    private static JsonNode normalised(JsonNode record) {
        ObjectNode out = JSON.createObjectNode();
        record.fields().forEachRemaining(field -> {
            String name =
                    field.getKey().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
            JsonNode value = field.getValue();
            if (value.isTextual()) {
                try {
                    out.put(
                            name,
                            java.time.OffsetDateTime.parse(value.asText())
                                    .toInstant()
                                    .toString());
                    return;
                } catch (java.time.format.DateTimeParseException notAnInstant) {
                    // kept as text
                }
            }
            if (value.isNumber()) {
                out.put(name, value.decimalValue().stripTrailingZeros().toPlainString());
                return;
            }
            out.set(name, value);
        });
        return out;
    }

    /**
     * The server restored from a backup (pg_dump, pg_restore) hands out the positions of its settled order after the
     * backup again, to other transactions. Laptop B had received up to a position beyond the backup; laptop C's
     * new households take the positions B had passed. B's next down-sync asks after a position the restored server
     * never handed out to it, goes back to the furthest it did, and receives C's households; what B received before
     * (A's, sent again by A) is skipped by txId. Laptop D, which registered its sealing key after the backup and
     * kept running, registers it again when the restored server refuses its down-sync for want of it.
     */
    @Test
    void aLaptopAheadOfAServerRestoredFromABackupGoesBackAndMissesNothingSettledSince() throws Exception {
        int port = AppProcess.freePort();
        Path dump = dir.resolve("server.dump");
        AppProcess server = Nodes.server(dir, port);
        String tokenA = Nodes.enrol(server, "laptop-a", "field");
        String tokenB = Nodes.enrol(server, "laptop-b", "field");
        String tokenC = Nodes.enrol(server, "laptop-c", "field");
        String tokenD = Nodes.enrol(server, "laptop-d", "field");
        try (AppProcess a = Nodes.laptop(dir, "laptop-a", port, tokenA).awaitReady();
                AppProcess b = Nodes.laptop(dir, "laptop-b", port, tokenB).awaitReady();
                AppProcess c = Nodes.laptop(dir, "laptop-c", port, tokenC).awaitReady();
                AppProcess d = Nodes.laptop(dir, "laptop-d", port, tokenD).awaitReady()) {
            Nodes.enterHouseholdsWithSubjects(a, 0, 2);
            push(a, 4);
            awaitApplied(4);
            receive(b).body("applied", equalTo(4));
            receive(c).body("applied", equalTo(4));
            server.close();
            Nodes.backUpServerDatabase(dump);
            server = Nodes.server(dir, port);
            receive(d).body("applied", equalTo(4)); // D registers its sealing key after the backup
            Nodes.enterHouseholdsWithSubjects(a, 2, 3);
            push(a, 6);
            awaitApplied(10);
            receive(b).body("applied", equalTo(6));

            server.close();
            Nodes.restoreServerDatabase(dump);
            server = Nodes.server(dir, port);
            Nodes.enterHouseholdsWithSubjects(c, 5, 3); // settled at the positions B had passed
            push(c, 6);
            awaitApplied(10);
            push(a, 6); // A sends again what the restored server lost (Guarantees 21)
            awaitApplied(16);

            receive(b).body("outcome", equalTo("DONE")).body("applied", equalTo(6));
            assertThat(b.output()).contains("The server's down-sync went back from position 10 to 4");
            for (AppProcess laptop : List.of(a, b, c, d)) {
                // D's app kept running and registered its keys once: the restored server lacks them
                receive(laptop).body("outcome", equalTo("DONE"));
            }
            assertThat(d.output()).contains("registering this laptop's keys again");
            for (AppProcess laptop : List.of(a, b, c, d)) {
                given().baseUri(laptop.baseUrl())
                        .get("/api/v1/records/study.household")
                        .then()
                        .statusCode(200)
                        .body("total", equalTo(8));
            }
        } finally {
            server.close();
        }
    }

    private static void awaitApplied(long transactions) {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(
                                Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction WHERE status = 'APPLIED'"))
                        .isEqualTo(transactions));
    }

    static io.restassured.response.ValidatableResponse receive(AppProcess laptop) {
        return given().baseUri(laptop.baseUrl())
                .queryParam("wait", true)
                .post("/api/v1/downsync")
                .then()
                .log()
                .ifValidationFails()
                .statusCode(200);
    }

    static void push(AppProcess laptop, int accepted) {
        given().baseUri(laptop.baseUrl())
                .queryParam("wait", true)
                .post("/api/v1/push")
                .then()
                .body("accepted", equalTo(accepted));
    }

    private static void edit(AppProcess laptop, UUID household, String village) throws Exception {
        ObjectNode record = (ObjectNode) JSON.readTree(given().baseUri(laptop.baseUrl())
                .get("/api/v1/records/study.household/" + household)
                .then()
                .statusCode(200)
                .extract()
                .asString());
        record.put("village", village);
        given().baseUri(laptop.baseUrl())
                .contentType(ContentType.JSON)
                .body(record.toString())
                .put("/api/v1/records/study.household/" + household)
                .then()
                .statusCode(200);
    }

    /** The record as both laptops hold it, field by field (audit fields and version included). */
    static void assertSameRecords(AppProcess a, AppProcess b, String model, UUID id) throws Exception {
        JsonNode onA = JSON.readTree(given().baseUri(a.baseUrl())
                .get("/api/v1/records/" + model + "/" + id)
                .then()
                .statusCode(200)
                .extract()
                .asString());
        JsonNode onB = JSON.readTree(given().baseUri(b.baseUrl())
                .get("/api/v1/records/" + model + "/" + id)
                .then()
                .statusCode(200)
                .extract()
                .asString());
        assertThat(onB).as(model + " " + id).isEqualTo(onA);
    }
}
