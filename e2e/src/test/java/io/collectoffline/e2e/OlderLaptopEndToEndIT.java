package io.collectoffline.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.collectoffline.testing.AppProcess;
import io.restassured.http.ContentType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two-way across releases (issue 17 item 4, README "Two-way"), with real processes: the server and one laptop run
 * this build, where {@code study.vital_signs} is at schema version 2; the other laptop runs the app of the previous
 * release ({@link PreviousRelease#VITAL_SIGNS_V1}), which knows version 1 only. That laptop is told to update its app
 * and applies nothing from the first form it cannot read, while what it sends still arrives (upcast); once its app is
 * updated in place, on the same database, it catches up and every node holds the same records.
 */
class OlderLaptopEndToEndIT {

    private static Path previousLaptop;

    @TempDir
    Path dir;

    @BeforeAll
    static void buildThePreviousRelease() throws Exception {
        previousLaptop = PreviousRelease.laptopJar(PreviousRelease.VITAL_SIGNS_V1);
    }

    @Test
    void aLaptopOfAnOlderSchemaVersionIsToldToUpdateAppliesNothingItCannotReadAndCatchesUpOnceUpdated()
            throws Exception {
        Nodes.resetServerDatabase();
        int port = AppProcess.freePort();
        Path oldFolder = dir.resolve("laptop-old");
        try (AppProcess server = Nodes.server(dir, port)) {
            String tokenNew = Nodes.enrol(server, "laptop-new", "field");
            String tokenOld = Nodes.enrol(server, "laptop-old", "field");
            UUID household;
            UUID visit;
            UUID laterHousehold;
            UUID oldVitals;
            try (AppProcess current =
                            Nodes.laptop(dir, "laptop-new", port, tokenNew).awaitReady();
                    AppProcess old = Nodes.laptopOf(previousLaptop, oldFolder, "laptop-old", port, tokenOld)
                            .awaitReady()) {
                List<UUID> ids = Nodes.enterHouseholdsWithSubjects(current, 1);
                household = ids.get(0);
                visit = UUID.fromString(TwoWayEndToEndIT.enterVisit(current, ids.get(1)));
                create(
                        current,
                        "study.vital_signs",
                        Map.of(
                                "subjectVisitId",
                                visit.toString(),
                                "reportDatetime",
                                "2026-12-01T10:05:00+02:00",
                                "systolicBp",
                                118,
                                "heartRate",
                                72,
                                "comments",
                                "Measured seated."));
                laterHousehold =
                        Nodes.enterHouseholdsWithSubjects(current, 1, 1).get(0);
                TwoWayEndToEndIT.push(current, 6);

                // the old laptop's own form (version 1: no report time, heart rate or comment) still goes up
                List<UUID> own = Nodes.enterHouseholdsWithSubjects(old, 2, 1);
                UUID ownVisit = UUID.fromString(TwoWayEndToEndIT.enterVisit(old, own.get(1)));
                oldVitals = create(
                        old, "study.vital_signs", Map.of("subjectVisitId", ownVisit.toString(), "systolicBp", 131));
                TwoWayEndToEndIT.push(old, 4);
                await().atMost(Duration.ofSeconds(30))
                        .until(() ->
                                Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction WHERE status = 'APPLIED'")
                                        == 10);
                Nodes.admin(server)
                        .get("/api/v1/records/study.vital_signs/" + oldVitals)
                        .then()
                        .statusCode(200)
                        .body("systolic_bp", equalTo(131))
                        .body("heart_rate", nullValue())
                        .body("report_datetime", nullValue());

                // the old laptop receives what comes before the version-2 form, then stops and says why
                String update = "update this laptop's app: the server sent study.vital_signs records of schema "
                        + "version 2, this app knows version 1";
                TwoWayEndToEndIT.receive(old)
                        .body("outcome", equalTo("STOPPED"))
                        .body("stopped", containsString(update))
                        .body("refused", equalTo(0));
                given().baseUri(old.baseUrl())
                        .get("/api/v1/records/study.subject_visit/" + visit)
                        .then()
                        .statusCode(200);
                given().baseUri(old.baseUrl())
                        .get("/api/v1/records/study.vital_signs?size=10")
                        .then()
                        .body("items.id", equalTo(List.of(oldVitals.toString())));
                given().baseUri(old.baseUrl())
                        .get("/api/v1/records/study.household/" + laterHousehold)
                        .then()
                        .statusCode(404);
                given().baseUri(old.baseUrl())
                        .get("/api/v1/status")
                        .then()
                        .body("downsync.stopped", containsString(update));
                // asked again, it applies nothing more and still says so
                TwoWayEndToEndIT.receive(old)
                        .body("outcome", equalTo("STOPPED"))
                        .body("applied", equalTo(0));
            }

            // the laptop's app is updated in place: same folder, same database, this build's app
            try (AppProcess current =
                            Nodes.laptop(dir, "laptop-new", port, tokenNew).awaitReady();
                    AppProcess updated = Nodes.laptopIn(oldFolder, "laptop-old", port, tokenOld)
                            .awaitReady()) {
                TwoWayEndToEndIT.receive(updated)
                        .body("outcome", equalTo("DONE"))
                        .body("stopped", nullValue());
                TwoWayEndToEndIT.receive(current).body("outcome", equalTo("DONE"));
                given().baseUri(updated.baseUrl())
                        .get("/api/v1/records/study.vital_signs/" + oldVitals)
                        .then()
                        .statusCode(200)
                        .body("systolicBp", equalTo(131))
                        .body("heartRate", nullValue());
                given().baseUri(updated.baseUrl())
                        .get("/api/v1/status")
                        .then()
                        .body("pending", equalTo(0))
                        .body("downsync.stopped", nullValue())
                        .body("downsync.behind", equalTo(0));
                for (String model :
                        List.of("study.household", "study.subject", "study.subject_visit", "study.vital_signs")) {
                    var onServer = TwoWayEndToEndIT.serverRecords(server, model);
                    assertThat(TwoWayEndToEndIT.laptopRecords(updated, model))
                            .as(model + " on the updated laptop")
                            .isEqualTo(onServer);
                    assertThat(TwoWayEndToEndIT.laptopRecords(current, model))
                            .as(model + " on the other laptop")
                            .isEqualTo(onServer);
                }
                assertThat(TwoWayEndToEndIT.laptopRecords(updated, "study.household"))
                        .containsKey(household.toString())
                        .containsKey(laterHousehold.toString());
            }
        }
    }

    private static UUID create(AppProcess laptop, String model, Map<String, Object> fields) {
        return UUID.fromString(given().baseUri(laptop.baseUrl())
                .contentType(ContentType.JSON)
                .body(fields)
                .post("/api/v1/records/" + model)
                .then()
                .statusCode(201)
                .extract()
                .path("id"));
    }
}
