package io.collectoffline.server.devices;

import static io.collectoffline.server.Fixtures.admin;
import static io.collectoffline.server.Fixtures.batchFrom;
import static io.collectoffline.server.Fixtures.household;
import static io.collectoffline.server.Fixtures.identifier;
import static io.collectoffline.server.Fixtures.problem;
import static io.collectoffline.server.Fixtures.producer;
import static io.collectoffline.server.Fixtures.requisition;
import static io.collectoffline.server.Fixtures.subject;
import static io.collectoffline.server.Fixtures.tx;
import static io.collectoffline.server.Fixtures.visit;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.server.store.ForwardQueue;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, sites: a device belongs to a site (a study community); the transactions it produces carry the site,
 * also through relays and upstream; status, incoming lists and reconciliation can be read per site.
 */
@QuarkusTest
class SitesTest {

    private static final String HOUSEHOLDS = "/api/v1/records/study.household/";

    @Inject
    ForwardQueue forwardQueue;

    private static String site(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    /** Enrols a device in {@code site} (none when null) and returns its token. */
    private static String enrolIn(String deviceId, String role, String site) {
        Map<String, Object> body = new HashMap<>(Map.of("deviceId", deviceId, "role", role));
        body.put("site", site);
        return admin().contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/devices")
                .then()
                .statusCode(201)
                .body("site", equalTo(site))
                .extract()
                .path("token");
    }

    private static List<String> sendAs(String token, String sender, List<Map<String, Object>> transactions) {
        return given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(batchFrom(sender, transactions))
                .post("/api/v1/batches")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("results.status");
    }

    private static String siteOfStored(String producer, long seq) {
        List<Map<String, Object>> rows = admin().queryParam("producer", producer)
                .get("/api/v1/incoming")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        Map<String, Object> row = rows.stream()
                .filter(r -> ((Number) r.get("seq")).longValue() == seq)
                .findFirst()
                .orElseThrow(() -> new AssertionError(producer + " seq " + seq + " is not stored"));
        return (String) row.get("site");
    }

    @Test
    void aDevicesTransactionsCarryItsSiteAndStatusAndIncomingFilterBySite() {
        String oodi = site("oodi");
        String other = site("mmankgodi");
        String laptop = producer();
        String token = enrolIn(laptop, "field", oodi);
        UUID household = UUID.randomUUID();
        assertEquals(
                List.of("ACCEPTED"),
                sendAs(
                        token,
                        laptop,
                        List.of(tx(
                                laptop,
                                1,
                                "study.household",
                                "INSERT",
                                household(household, identifier("HH"), "Oodi", 0)))));
        await().untilAsserted(() -> admin().get(HOUSEHOLDS + household).then().statusCode(200));

        admin().get("/api/v1/devices/" + laptop).then().statusCode(200).body("site", equalTo(oodi));
        admin().queryParam("site", oodi)
                .get("/api/v1/incoming")
                .then()
                .statusCode(200)
                .body("producer", contains(laptop))
                .body("site", contains(oodi));
        admin().queryParam("site", other)
                .get("/api/v1/incoming")
                .then()
                .statusCode(200)
                .body("$", empty());
        admin().get(HOUSEHOLDS + household + "/history").then().statusCode(200).body("site", contains(oodi));

        admin().queryParam("site", oodi)
                .get("/api/v1/status")
                .then()
                .statusCode(200)
                .body("site", equalTo(oodi))
                .body("producers.producer", contains(laptop))
                .body("producers.site", contains(oodi))
                .body("counts.APPLIED", equalTo(1))
                .body("counts.RECEIVED", equalTo(0));
        admin().queryParam("site", other)
                .get("/api/v1/status")
                .then()
                .statusCode(200)
                .body("producers", empty())
                .body("counts.APPLIED", equalTo(0));
        admin().get("/api/v1/status").then().statusCode(200).body("producers.producer", hasItem(laptop));
        admin().get("/api/v1/sites")
                .then()
                .statusCode(200)
                .body("find { it.site == '" + oodi + "' }.devices", equalTo(1))
                .body("find { it.site == '" + oodi + "' }.producers", equalTo(1));
    }

    @Test
    void aRelayedTransactionTakesItsProducersSiteElseTheSiteItCarriesElseTheRelays() {
        String relaySite = site("site-server");
        String enrolledSite = site("lentsweletau");
        String relay = "relay-" + UUID.randomUUID().toString().substring(0, 8);
        String relayToken = enrolIn(relay, "server", relaySite);
        String enrolledHere = producer();
        enrolIn(enrolledHere, "field", enrolledSite);
        String carrying = producer();
        String unknown = producer();
        Map<String, Object> carried = tx(
                carrying,
                1,
                "study.household",
                "INSERT",
                household(UUID.randomUUID(), identifier("HH"), "Letlhakeng", 0));
        carried.put("site", "letlhakeng");
        Map<String, Object> carriedButEnrolled = tx(
                enrolledHere,
                1,
                "study.household",
                "INSERT",
                household(UUID.randomUUID(), identifier("HH"), "Lentsweletau", 0));
        carriedButEnrolled.put("site", "somewhere-else");

        assertEquals(
                List.of("ACCEPTED", "ACCEPTED", "ACCEPTED"),
                sendAs(
                        relayToken,
                        relay,
                        List.of(
                                carriedButEnrolled,
                                carried,
                                tx(
                                        unknown,
                                        1,
                                        "study.household",
                                        "INSERT",
                                        household(UUID.randomUUID(), identifier("HH"), "Kumakwane", 0)))));

        assertEquals(enrolledSite, siteOfStored(enrolledHere, 1));
        assertEquals("letlhakeng", siteOfStored(carrying, 1));
        assertEquals(relaySite, siteOfStored(unknown, 1));
        // what this server passes on upstream (forwarding and export files) carries the site it stored
        List<TransactionEnvelope> upstream =
                forwardQueue.next(new io.collectoffline.shipping.ShippingQueue.Position(unknown, 0), 1, false);
        assertEquals(unknown, upstream.get(0).producer());
        assertEquals(relaySite, upstream.get(0).site());
    }

    @Test
    void movingADeviceToAnotherSiteChangesOnlyItsLaterTransactions() {
        String before = site("oodi");
        String after = site("metsimotlhabe");
        String laptop = producer();
        String token = enrolIn(laptop, "field", before);
        UUID household = UUID.randomUUID();
        String identifier = identifier("HH");
        sendAs(
                token,
                laptop,
                List.of(tx(laptop, 1, "study.household", "INSERT", household(household, identifier, "Oodi", 0))));
        admin().contentType(ContentType.JSON)
                .body(Map.of("site", after))
                .put("/api/v1/devices/" + laptop + "/site")
                .then()
                .statusCode(200)
                .body("site", equalTo(after));
        sendAs(
                token,
                laptop,
                List.of(tx(
                        laptop, 2, "study.household", "UPDATE", household(household, identifier, "Metsimotlhabe", 1))));

        assertEquals(before, siteOfStored(laptop, 1));
        assertEquals(after, siteOfStored(laptop, 2));
        admin().queryParam("site", after).get("/api/v1/status").then().body("producers.producer", contains(laptop));
        admin().queryParam("site", before).get("/api/v1/status").then().body("producers", empty());
        problem(
                admin().contentType(ContentType.JSON)
                        .body(Map.of("site", after))
                        .put("/api/v1/devices/nobody-"
                                + UUID.randomUUID().toString().substring(0, 8) + "/site")
                        .then(),
                404,
                "device-not-found");
    }

    @Test
    void reconciliationCanBeReadPerSite() {
        Map<String, String> requisitionOf = new HashMap<>();
        for (String name : List.of("a", "b")) {
            String site = site("rec-" + name);
            String laptop = producer();
            String token = enrolIn(laptop, "field", site);
            UUID household = UUID.randomUUID();
            UUID subject = UUID.randomUUID();
            UUID visit = UUID.randomUUID();
            String requisition = identifier("REQ");
            assertEquals(
                    List.of("ACCEPTED", "ACCEPTED", "ACCEPTED", "ACCEPTED"),
                    sendAs(
                            token,
                            laptop,
                            List.of(
                                    tx(
                                            laptop,
                                            1,
                                            "study.household",
                                            "INSERT",
                                            household(household, identifier("HH"), "Oodi", 0)),
                                    tx(
                                            laptop,
                                            2,
                                            "study.subject",
                                            "INSERT",
                                            subject(subject, identifier("S"), household)),
                                    tx(laptop, 3, "study.subject_visit", "INSERT", visit(visit, subject, "1000")),
                                    tx(
                                            laptop,
                                            4,
                                            "study.specimen_requisition",
                                            "INSERT",
                                            requisition(UUID.randomUUID(), requisition, visit, true)))));
            requisitionOf.put(site, requisition);
        }
        await().untilAsserted(() -> admin().get("/api/v1/reconciliation")
                .then()
                .body(
                        "requisitioned",
                        org.hamcrest.Matchers.hasItems(requisitionOf.values().toArray(String[]::new))));
        String[] sites = requisitionOf.keySet().toArray(String[]::new);
        admin().contentType(ContentType.JSON)
                .body(Map.of("requisitionIdentifier", requisitionOf.get(sites[0])))
                .post("/api/v1/reconciliation/receipts")
                .then()
                .statusCode(201);

        admin().queryParam("site", sites[0])
                .get("/api/v1/reconciliation")
                .then()
                .statusCode(200)
                .body("requisitioned", contains(requisitionOf.get(sites[0])))
                .body("inHand", contains(requisitionOf.get(sites[0])))
                .body("requisitionedNotInHand", empty());
        admin().queryParam("site", sites[1])
                .get("/api/v1/reconciliation")
                .then()
                .statusCode(200)
                .body("requisitioned", contains(requisitionOf.get(sites[1])))
                .body("inHand", empty())
                .body("requisitionedNotInHand", contains(requisitionOf.get(sites[1])));
    }

    @Test
    void badSitesAreRefusedWithClearErrorsAndNothingIsStored() {
        Map<String, Object> body =
                new HashMap<>(Map.of("deviceId", producer(), "role", "field", "site", "Oodi village"));
        problem(
                        admin().contentType(ContentType.JSON)
                                .body(body)
                                .post("/api/v1/devices")
                                .then(),
                        400,
                        "invalid-input")
                .body("errors.field", contains("site"));
        for (String path : List.of("/api/v1/status", "/api/v1/incoming", "/api/v1/reconciliation")) {
            problem(admin().queryParam("site", "no spaces please").get(path).then(), 400, "invalid-input")
                    .body("errors.field", hasItem("site"));
        }
        String laptop = producer();
        String token = enrolIn(laptop, "field", null);
        Map<String, Object> numberSite =
                tx(laptop, 1, "study.household", "INSERT", household(UUID.randomUUID(), identifier("HH"), "Oodi", 0));
        numberSite.put("site", 42);
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(batchFrom(laptop, List.of(numberSite)))
                .post("/api/v1/batches")
                .then()
                .statusCode(200)
                .body("results.status", contains("REJECTED"))
                .body("results.reason", everyItem(containsString("site must be a site id")));
        admin().queryParam("producer", laptop).get("/api/v1/incoming").then().body("$", empty());
        // a device without a site: its transactions carry none, and it is in no site's status
        sendAs(
                token,
                laptop,
                List.of(tx(
                        laptop,
                        1,
                        "study.household",
                        "INSERT",
                        household(UUID.randomUUID(), identifier("HH"), "Oodi", 0))));
        assertEquals(null, siteOfStored(laptop, 1));
        admin().get("/api/v1/sites").then().body("site", not(hasItem((String) null)));
    }
}
