package io.collectoffline.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import io.collectoffline.testing.AppProcess;
import io.restassured.http.ContentType;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Field laptop → middleman → server, three packaged apps as processes, the server on PostgreSQL: exactly once,
 * through a middleman crash between storing and acknowledging, with the field laptop also pushing directly, and
 * specimen reconciliation on the road and at the lab.
 */
class MiddlemanEndToEndIT {

    private static final String PAIRING = "pair-e2e-2031";

    @TempDir
    Path dir;

    @BeforeEach
    void freshServerDatabase() throws Exception {
        Nodes.resetServerDatabase();
    }

    @Test
    void fieldToMiddlemanToServerExactlyOnceAndTheFieldPushingLaterDoublesNothing() throws Exception {
        int port = AppProcess.freePort();
        try (AppProcess server = Nodes.server(dir, port);
                AppProcess field = field(port, Nodes.enrolLaptop(server));
                AppProcess middleman = middleman(port, Nodes.enrol(server, "driver-e2e", "middleman"))) {
            Nodes.enterHouseholdsWithSubjects(field, 30);

            pull(middleman, field)
                    .body("producer", equalTo("field-e2e"))
                    .body("pulled", equalTo(60))
                    .body("acknowledged", equalTo(60));
            given().baseUri(field.baseUrl())
                    .get("/api/v1/status")
                    .then()
                    .body("consumedByMiddleman", equalTo(60))
                    .body("pending", equalTo(60));
            given().baseUri(middleman.baseUrl()).get("/api/v1/status").then().body("relayedPending", equalTo(60));

            push(middleman).body("accepted", equalTo(60));
            await().untilAsserted(() -> Nodes.assertExactlyOnce(60, 30));
            given().baseUri(middleman.baseUrl())
                    .get("/api/v1/middleman/laptops")
                    .then()
                    .body("[0].producer", equalTo("field-e2e"))
                    .body("[0].pulled", equalTo(60))
                    .body("[0].pushed", equalTo(60))
                    .body("[0].acknowledged", equalTo(60));

            given().baseUri(field.baseUrl())
                    .queryParam("wait", true)
                    .post("/api/v1/push")
                    .then()
                    .statusCode(200)
                    .body("outcome", equalTo("NOTHING_TO_SEND"))
                    .body("deliveredByWatermark", equalTo(60))
                    .body("batches", equalTo(0));
            given().baseUri(field.baseUrl()).get("/api/v1/status").then().body("pending", equalTo(0));
            Nodes.assertExactlyOnce(60, 30);
        }
    }

    @Test
    void middlemanKilledBetweenStoringAndAcknowledgingRepullsWithoutDoubling() throws Exception {
        int port = AppProcess.freePort();
        try (AppProcess server = Nodes.server(dir, port);
                AppProcess field = field(port, Nodes.enrolLaptop(server))) {
            String driverToken = Nodes.enrol(server, "driver-e2e", "middleman");
            Nodes.enterHouseholdsWithSubjects(field, 30);

            try (AppProcess crashing = middleman(
                    port,
                    driverToken,
                    "-Dsync.client.middleman.page-size=25",
                    "-Dsync.client.middleman.fault-halt-after-store=true")) {
                // the middleman dies while answering: the request gets no answer
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> given().baseUri(crashing.baseUrl())
                                .contentType(ContentType.JSON)
                                .body(Map.of("url", field.baseUrl(), "pairingToken", PAIRING))
                                .post("/api/v1/middleman/pull"))
                        .isNotNull();
                assertThat(crashing.awaitExit()).isEqualTo(137);
            }
            given().baseUri(field.baseUrl()).get("/api/v1/status").then().body("consumedByMiddleman", equalTo(0));

            try (AppProcess middleman = middleman(port, driverToken, "-Dsync.client.middleman.page-size=25")) {
                pull(middleman, field)
                        .body("pulled", equalTo(35))
                        .body("alreadyHeld", equalTo(25))
                        .body("acknowledged", equalTo(60));
                push(middleman).body("accepted", equalTo(60));
            }
            await().untilAsserted(() -> Nodes.assertExactlyOnce(60, 30));
        }
    }

    @Test
    void reconciliationListsTheRightMismatchesOnTheRoadAndAtTheLab() throws Exception {
        int port = AppProcess.freePort();
        try (AppProcess server = Nodes.server(dir, port);
                AppProcess field = field(port, Nodes.enrolLaptop(server));
                AppProcess middleman = middleman(port, Nodes.enrol(server, "driver-e2e", "middleman"))) {
            String household = create(field, "study.household", Map.of("householdIdentifier", "HH-R"));
            String subject = create(
                    field,
                    "study.subject",
                    Map.of(
                            "subjectIdentifier",
                            "S-R",
                            "householdId",
                            household,
                            "gender",
                            "M",
                            "consentDatetime",
                            "2026-11-27T07:00:00Z"));
            String visit = create(
                    field,
                    "study.subject_visit",
                    Map.of("subjectId", subject, "visitCode", "1000", "visitDatetime", "2026-11-27T07:30:00Z"));
            for (String requisition : new String[] {"REQ-1", "REQ-2"}) {
                create(
                        field,
                        "study.specimen_requisition",
                        Map.of(
                                "requisitionIdentifier",
                                requisition,
                                "subjectVisitId",
                                visit,
                                "panel",
                                "cd4",
                                "drawn",
                                true,
                                "drawnDatetime",
                                "2026-11-27T07:45:00Z"));
            }
            create(
                    field,
                    "study.specimen_requisition",
                    Map.of("requisitionIdentifier", "REQ-3", "subjectVisitId", visit, "panel", "cd4", "drawn", false));

            pull(middleman, field).body("specimens", equalTo(2));
            for (String tube : new String[] {"REQ-1", "X-9"}) {
                given().baseUri(middleman.baseUrl())
                        .contentType(ContentType.JSON)
                        .header("X-Collect-User", "driver")
                        .body(Map.of("requisitionIdentifier", tube))
                        .post("/api/v1/reconciliation/receipts")
                        .then()
                        .statusCode(201)
                        .body("stage", equalTo("MIDDLEMAN"));
            }
            given().baseUri(middleman.baseUrl())
                    .get("/api/v1/reconciliation")
                    .then()
                    .statusCode(200)
                    .body("requisitioned", contains("REQ-1", "REQ-2"))
                    .body("requisitionedNotInHand", contains("REQ-2"))
                    .body("inHandNotRequisitioned", contains("X-9"));

            push(middleman).body("accepted", equalTo(8));
            await().untilAsserted(() -> assertThat(
                            Nodes.serverCount("SELECT COUNT(*) FROM specimen_receipt WHERE stage = 'MIDDLEMAN'"))
                    .isEqualTo(2));
            assertThat(Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction WHERE producer = 'driver-e2e' "
                            + "AND model = 'study.specimen_receipt'"))
                    .isEqualTo(2);

            Nodes.as(server, "lab-lesego", "lab-assistant")
                    .contentType(ContentType.JSON)
                    .body(Map.of("requisitionIdentifier", "REQ-2"))
                    .post("/api/v1/reconciliation/receipts")
                    .then()
                    .statusCode(201);
            Nodes.admin(server)
                    .contentType(ContentType.JSON)
                    .body(Map.of("requisitionIdentifier", "REQ-2"))
                    .post("/api/v1/reconciliation/receipts")
                    .then()
                    .statusCode(409);
            Nodes.admin(server)
                    .get("/api/v1/reconciliation")
                    .then()
                    .statusCode(200)
                    .body("requisitioned", contains("REQ-1", "REQ-2"))
                    .body("inHand", contains("REQ-2"))
                    .body("requisitionedNotInHand", contains("REQ-1"))
                    .body("inHandNotRequisitioned", org.hamcrest.Matchers.empty());
        }
    }

    @Test
    void aRestoredFieldLaptopMetOnlyByAMiddlemanIsToldToReissueAndEverythingArrivesOnce() throws Exception {
        int port = AppProcess.freePort();
        try (AppProcess server = Nodes.server(dir, port);
                AppProcess middleman = middleman(port, Nodes.enrol(server, "driver-e2e", "middleman"))) {
            String token = Nodes.enrolLaptop(server);
            Path db = dir.resolve("client").resolve("db");
            Path backup = dir.resolve("backup");
            try (AppProcess field = field(port, token)) {
                Nodes.enterHouseholdsWithSubjects(field, 0, 1);
                pull(middleman, field).body("pulled", equalTo(2));
            }
            Nodes.copyFolder(db, backup);
            try (AppProcess field = field(port, token)) {
                Nodes.enterHouseholdsWithSubjects(field, 1, 1); // seqs 3, 4
                pull(middleman, field).body("pulled", equalTo(2));
            }
            push(middleman).body("accepted", equalTo(4));
            Nodes.deleteFolder(db);
            // the laptop restored from its backup: seqs 3, 4 are used again for other changes
            Nodes.copyFolder(backup, db);
            try (AppProcess field = field(port, token)) {
                Nodes.enterHouseholdsWithSubjects(field, 2, 1);

                pull(middleman, field).body("pulled", equalTo(0)); // the middleman holds seqs 3, 4: seq taken
                given().baseUri(field.baseUrl())
                        .get("/api/v1/status")
                        .then()
                        .body("divergence.fromSeq", equalTo(3))
                        .body("divergence.reissued", equalTo(2));
                pull(middleman, field).body("pulled", equalTo(2)); // the re-issued changes, on the new stream
                push(middleman).body("accepted", equalTo(2));
            }
            await().untilAsserted(() -> {
                assertThat(Nodes.serverCount("SELECT COUNT(*) FROM household")).isEqualTo(3);
                assertThat(Nodes.serverCount("SELECT COUNT(*) FROM subject")).isEqualTo(3);
                assertThat(Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction WHERE status = 'APPLIED'"))
                        .isEqualTo(6);
            });
        }
    }

    private AppProcess field(int serverPort, String token) throws Exception {
        return Nodes.laptop(dir, "field-e2e", serverPort, token, "-Dsync.client.pull.pairing-token=" + PAIRING)
                .awaitReady();
    }

    private AppProcess middleman(int serverPort, String token, String... extra) throws Exception {
        String[] properties = new String[extra.length + 1];
        properties[0] = "-Dsync.client.role=middleman";
        System.arraycopy(extra, 0, properties, 1, extra.length);
        return Nodes.laptop(dir, "driver-e2e", serverPort, token, properties).awaitReady();
    }

    private static io.restassured.response.ValidatableResponse pull(AppProcess middleman, AppProcess field) {
        io.restassured.response.Response response = given().baseUri(middleman.baseUrl())
                .contentType(ContentType.JSON)
                .body(Map.of("url", field.baseUrl(), "pairingToken", PAIRING))
                .post("/api/v1/middleman/pull");
        assertThat(response.statusCode())
                .as("pull answered %s; middleman's log:%n%s", response.asString(), middleman.output())
                .isEqualTo(200);
        return response.then();
    }

    private static io.restassured.response.ValidatableResponse push(AppProcess laptop) {
        return given().baseUri(laptop.baseUrl())
                .queryParam("wait", true)
                .post("/api/v1/push")
                .then()
                .statusCode(200)
                .body("outcome", equalTo("DELIVERED"));
    }

    private static String create(AppProcess laptop, String model, Map<String, Object> body) {
        return given().baseUri(laptop.baseUrl())
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/records/" + model)
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }
}
