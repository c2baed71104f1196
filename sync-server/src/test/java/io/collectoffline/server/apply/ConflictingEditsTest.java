package io.collectoffline.server.apply;

import static io.collectoffline.server.Fixtures.admin;
import static io.collectoffline.server.Fixtures.household;
import static io.collectoffline.server.Fixtures.identifier;
import static io.collectoffline.server.Fixtures.producer;
import static io.collectoffline.server.Fixtures.send;
import static io.collectoffline.server.Fixtures.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.collectoffline.server.apply.ConflictRule.Version;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, conflicting edits (ADR 8): the same record changed on two devices without either seeing the other's
 * version. The winner is deterministic (higher revision, then greater transaction id) whatever the arrival order,
 * the conflict is recorded and visible to an admin, and both versions are in the history.
 */
@QuarkusTest
class ConflictingEditsTest {

    private static final String HOUSEHOLDS = "/api/v1/records/study.household/";

    /** The same three changes of a record: created on laptop A, then edited on A and on B from that version. */
    private record Story(UUID record, String identifier, String a, String b, UUID a1, UUID a2, UUID b2) {

        static Story of() {
            return new Story(
                    UUID.randomUUID(),
                    io.collectoffline.server.Fixtures.identifier("HH"),
                    producer(),
                    producer(),
                    UUID.randomUUID(),
                    UUID.randomUUID(),
                    UUID.randomUUID());
        }

        Map<String, Object> created() {
            return tx(a, 1, "study.household", "INSERT", household(record, identifier, "Oodi", 0), a1, 1, null);
        }

        Map<String, Object> editedOnA() {
            return tx(a, 2, "study.household", "UPDATE", household(record, identifier, "Edited on A", 1), a2, 2, a1);
        }

        Map<String, Object> editedOnB() {
            return tx(b, 1, "study.household", "UPDATE", household(record, identifier, "Edited on B", 1), b2, 2, a1);
        }

        String expectedVillage() {
            return ConflictRule.wins(new Version(a2, 2, a), new Version(b2, 2, b)) ? "Edited on A" : "Edited on B";
        }
    }

    @Test
    void conflictingEditsHaveTheSameWinnerWhateverTheArrivalOrder() {
        Story first = Story.of();
        send(first.a(), List.of(first.created(), first.editedOnA()));
        awaitVillage(first.record(), "Edited on A");
        send(first.b(), List.of(first.editedOnB()));

        Story second = Story.of();
        send(second.a(), List.of(second.created()));
        awaitVillage(second.record(), "Oodi");
        send(second.b(), List.of(second.editedOnB()));
        awaitVillage(second.record(), "Edited on B"); // in line with the version held: no conflict yet
        send(second.a(), List.of(second.editedOnA()));

        await().untilAsserted(() -> {
            assertThat(conflicts(first.record())).hasSize(1);
            assertThat(conflicts(second.record())).hasSize(1);
        });
        admin().get(HOUSEHOLDS + first.record()).then().body("village", equalTo(first.expectedVillage()));
        admin().get(HOUSEHOLDS + second.record()).then().body("village", equalTo(second.expectedVillage()));
    }

    @Test
    void conflictIsRecordedVisibleToAnAdminAndBothVersionsAreInTheHistory() {
        Story story = Story.of();
        send(story.a(), List.of(story.created(), story.editedOnA()));
        send(story.b(), List.of(story.editedOnB()));
        await().untilAsserted(() -> assertThat(conflicts(story.record())).hasSize(1));

        boolean aWins = story.expectedVillage().equals("Edited on A");
        UUID kept = aWins ? story.a2() : story.b2();
        UUID overruled = aWins ? story.b2() : story.a2();
        JsonPath conflict = admin().queryParam("recordId", story.record().toString())
                .get("/api/v1/conflicts")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(conflict.getString("[0].model")).isEqualTo("study.household");
        assertThat(conflict.getString("[0].kept.txId")).isEqualTo(kept.toString());
        assertThat(conflict.getString("[0].overruled.txId")).isEqualTo(overruled.toString());
        assertThat(conflict.getString("[0].rule")).contains("higher revision wins");
        admin().get("/api/v1/status").then().body("conflicts", org.hamcrest.Matchers.greaterThanOrEqualTo(1));

        admin().get(HOUSEHOLDS + story.record() + "/history")
                .then()
                .statusCode(200)
                .body("txId", hasSize(3))
                .body("fields.village", org.hamcrest.Matchers.hasItems("Oodi", "Edited on A", "Edited on B"))
                .body("find { it.txId == '" + kept + "' }.conflict", equalTo("kept over " + overruled))
                .body("find { it.txId == '" + overruled + "' }.conflict", equalTo("overruled by " + kept));
        admin().get(HOUSEHOLDS + story.record()).then().body("village", equalTo(story.expectedVillage()));
    }

    @Test
    void theLongerLineOfEditsWinsOverAnEditOfAnOlderVersion() {
        Story story = Story.of();
        UUID a3 = UUID.randomUUID();
        send(story.a(), List.of(story.created()));
        awaitVillage(story.record(), "Oodi");
        send(story.b(), List.of(story.editedOnB()));
        awaitVillage(story.record(), "Edited on B");
        send(
                story.a(),
                List.of(
                        story.editedOnA(),
                        tx(
                                story.a(),
                                3,
                                "study.household",
                                "UPDATE",
                                household(story.record(), story.identifier(), "Third on A", 2),
                                a3,
                                3,
                                story.a2())));

        awaitVillage(story.record(), "Third on A");
        assertThat(conflicts(story.record())).isNotEmpty();
        admin().get(HOUSEHOLDS + story.record() + "/history")
                .then()
                .body("fields.village", contains("Oodi", "Edited on B", "Edited on A", "Third on A"));
    }

    @Test
    void aClaimedRevisionIsIgnoredOnlyTheLineageTheServerHoldsCounts() {
        UUID record = UUID.randomUUID();
        String identifier = io.collectoffline.server.Fixtures.identifier("HH");
        String a = producer();
        String b = producer();
        UUID created = UUID.randomUUID();
        // of two edits of the same version, the greater txId wins a tie; b claims revision 999 to win anyway
        UUID honest = UUID.fromString("ffffffff-ffff-4fff-bfff-ffffffffffff");
        UUID boastful = UUID.fromString(
                "00000000-0000-4000-8000-" + String.format("%012x", (long) (Math.random() * 0xffffffffL)));
        send(
                a,
                List.of(tx(
                        a,
                        1,
                        "study.household",
                        "INSERT",
                        household(record, identifier, "Oodi", 0),
                        created,
                        1,
                        null)));
        awaitVillage(record, "Oodi");
        send(
                b,
                List.of(tx(
                        b,
                        1,
                        "study.household",
                        "UPDATE",
                        household(record, identifier, "Boastful", 1),
                        boastful,
                        999,
                        created)));
        awaitVillage(record, "Boastful");
        send(
                a,
                List.of(tx(
                        a,
                        2,
                        "study.household",
                        "UPDATE",
                        household(record, identifier, "Honest", 1),
                        honest,
                        2,
                        created)));

        awaitVillage(record, "Honest");
        admin().queryParam("recordId", record.toString())
                .get("/api/v1/conflicts")
                .then()
                .body("[0].kept.txId", equalTo(honest.toString()))
                .body("[0].kept.rev", equalTo(2))
                .body("[0].overruled.rev", equalTo(2));
    }

    @Test
    void twoDevicesCreatingOneRecordIdConflictInsteadOfOverwriting() {
        UUID record = UUID.randomUUID();
        String identifier = identifier("HH");
        String a = producer();
        String b = producer();
        UUID fromA = UUID.randomUUID();
        UUID fromB = UUID.randomUUID();
        send(
                a,
                List.of(tx(
                        a,
                        1,
                        "study.household",
                        "INSERT",
                        household(record, identifier, "From A", 0),
                        fromA,
                        1,
                        null)));
        awaitVillage(record, "From A");
        send(
                b,
                List.of(tx(
                        b,
                        1,
                        "study.household",
                        "INSERT",
                        household(record, identifier, "From B", 0),
                        fromB,
                        1,
                        null)));

        await().untilAsserted(() -> assertThat(conflicts(record)).hasSize(1));
        String expected = ConflictRule.wins(new Version(fromA, 1, a), new Version(fromB, 1, b)) ? "From A" : "From B";
        admin().get(HOUSEHOLDS + record).then().body("village", equalTo(expected));
        admin().get(HOUSEHOLDS + record + "/history").then().body("txId", hasSize(2));
        // a long history is paged, never cut silently: the header says where the rest starts
        admin().queryParam("limit", 1)
                .get(HOUSEHOLDS + record + "/history")
                .then()
                .body("txId", hasSize(1))
                .header("X-Next-Offset", equalTo("1"));
        admin().queryParam("offset", 1)
                .queryParam("limit", 1)
                .get(HOUSEHOLDS + record + "/history")
                .then()
                .body("txId", hasSize(1))
                .header("X-Next-Offset", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void editsInLineOnOneDeviceAreNoConflict() {
        Story story = Story.of();
        send(story.a(), List.of(story.created(), story.editedOnA()));
        awaitVillage(story.record(), "Edited on A");
        assertThat(conflicts(story.record())).isEmpty();
    }

    @Test
    void conflictListRefusesBadFilters() {
        io.collectoffline.server.Fixtures.problem(
                admin().queryParam("recordId", "nope").get("/api/v1/conflicts").then(), 400, "invalid-input");
        io.collectoffline.server.Fixtures.problem(
                admin().queryParam("limit", "0").get("/api/v1/conflicts").then(), 400, "invalid-input");
    }

    private static List<Object> conflicts(UUID record) {
        return admin().queryParam("recordId", record.toString())
                .get("/api/v1/conflicts")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
    }

    private static void awaitVillage(UUID id, String village) {
        await().untilAsserted(() ->
                admin().get(HOUSEHOLDS + id).then().statusCode(200).body("village", equalTo(village)));
    }
}
