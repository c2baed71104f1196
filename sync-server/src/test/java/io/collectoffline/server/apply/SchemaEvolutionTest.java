package io.collectoffline.server.apply;

import static io.collectoffline.server.Fixtures.admin;
import static io.collectoffline.server.Fixtures.base64;
import static io.collectoffline.server.Fixtures.household;
import static io.collectoffline.server.Fixtures.identifier;
import static io.collectoffline.server.Fixtures.producer;
import static io.collectoffline.server.Fixtures.send;
import static io.collectoffline.server.Fixtures.tx;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, schema evolution: study.household is at schema version 2; version 1 (HouseholdV1Upcaster) named the
 * village {@code village_name} and had no enumeration date. A payload from a laptop still on version 1 applies
 * through the upcaster; a payload newer than the server knows waits, visibly, and holds its producer's later
 * transactions back.
 */
@QuarkusTest
class SchemaEvolutionTest {

    private static final String HOUSEHOLDS = "/api/v1/records/study.household/";

    @Test
    void payloadOfAnOlderFormWithARenamedFieldAndWithoutANewOneAppliesThroughTheUpcaster() {
        String producer = producer();
        UUID id = UUID.randomUUID();
        Map<String, Object> v1 = new LinkedHashMap<>(household(id, identifier("HH"), "ignored", 0));
        v1.remove("village");
        v1.remove("enumeration_date");
        v1.put("village_name", "Oodi (form v1)");

        send(producer, List.of(withVersion(tx(producer, 1, "study.household", "INSERT", v1), 1, v1)));

        await().untilAsserted(() -> admin().get(HOUSEHOLDS + id)
                .then()
                .statusCode(200)
                .body("village", equalTo("Oodi (form v1)"))
                .body("enumeration_date", nullValue()));
    }

    @Test
    void payloadOfTheCurrentVersionAppliesUnchanged() {
        String producer = producer();
        UUID id = UUID.randomUUID();
        send(
                producer,
                List.of(tx(producer, 1, "study.household", "INSERT", household(id, identifier("HH"), "Gabane", 0))));
        await().untilAsserted(() ->
                admin().get(HOUSEHOLDS + id).then().statusCode(200).body("village", equalTo("Gabane")));
    }

    @Test
    void payloadNewerThanTheServerKnowsWaitsVisiblyAndHoldsItsProducerBack() {
        String producer = producer();
        UUID newer = UUID.randomUUID();
        UUID next = UUID.randomUUID();
        Map<String, Object> v3 = new LinkedHashMap<>(household(newer, identifier("HH"), "Mochudi", 0));
        v3.put("dwelling", "brick"); // a column only version 3 has
        Map<String, Object> first = withVersion(tx(producer, 1, "study.household", "INSERT", v3), 3, v3);

        send(
                producer,
                List.of(
                        first,
                        tx(producer, 2, "study.household", "INSERT", household(next, identifier("HH"), "Kanye", 0))));

        await().untilAsserted(() -> admin().get("/api/v1/incoming/" + first.get("txId"))
                .then()
                .statusCode(200)
                .body("status", equalTo("DEFERRED"))
                .body(
                        "statusReason",
                        containsString(
                                "schema version 3 of study.household is newer than this " + "server knows (2)")));
        admin().get("/api/v1/status")
                .then()
                .body("producers.find { it.producer == '" + producer + "' }.appliedSeq", equalTo(0))
                .body("producers.find { it.producer == '" + producer + "' }.blockedBy.status", equalTo("DEFERRED"));
        admin().get(HOUSEHOLDS + newer).then().statusCode(404);
        admin().get(HOUSEHOLDS + next).then().statusCode(404);
    }

    /** The same envelope with its payload re-made at {@code version}. */
    private static Map<String, Object> withVersion(Map<String, Object> tx, int version, Map<String, Object> fields) {
        Map<String, Object> snapshot = new LinkedHashMap<>();
        snapshot.put("model", "study.household");
        snapshot.put("schemaVersion", version);
        snapshot.put("fields", fields);
        Map<String, Object> changed = new LinkedHashMap<>(tx);
        changed.put("payload", base64(snapshot));
        return changed;
    }
}
