package io.collectoffline.client.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.collectoffline.client.TestDb;
import io.collectoffline.client.TestServerKeys;
import io.collectoffline.client.identity.NodeIdentity;
import io.collectoffline.client.records.RecordConflictException;
import io.collectoffline.client.records.RecordsService;
import io.collectoffline.codec.DeviceSigningKey;
import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.protocol.TransactionHeader;
import io.collectoffline.study.Household;
import io.collectoffline.study.Subject;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §5, invariant 1: a committed change of a registered record has exactly one outgoing transaction committed
 * in the same DB transaction; a rolled-back change has none; ordinary Panache/EntityManager use cannot bypass it.
 */
@QuarkusTest
class AtomicCaptureInvariantTest {

    @Inject
    TestDb db;

    @Inject
    EntityManager em;

    @Inject
    HouseholdRepository households;

    @Inject
    ObjectMapper json;

    @Inject
    RecordsService records;

    @Inject
    NodeIdentity identity;

    @Test
    void committedInsertHasExactlyOneOutgoingTransactionWithTheFullSnapshot() throws Exception {
        long before = db.outgoing();
        String identifier = TestDb.uniqueIdentifier("HH");

        UUID id = db.newHousehold(identifier);

        assertThat(db.outgoing()).isEqualTo(before + 1);
        List<Object> tx = db.rows(
                        "SELECT model, action, producer, key_id, payload, tx_id, seq FROM "
                                + "outgoing_transaction WHERE record_id = ?",
                        id)
                .get(0);
        assertThat(tx.subList(0, 3)).containsExactly("study.household", "INSERT", "test-laptop");
        String keyId = (String) tx.get(3);
        byte[] sealed = (byte[]) tx.get(4);
        assertThat(keyId).startsWith("dk-");
        assertThat(sealed[2])
                .as("payload version 2: compressed before sealing (ADR 15)")
                .isEqualTo((byte) 2);
        assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain(identifier)
                .doesNotContain("Lentsweletau");
        JsonNode snapshot = json.readTree(TestServerKeys.ring()
                .open(
                        new TransactionHeader(
                                (UUID) tx.get(5),
                                "test-laptop",
                                ((Number) tx.get(6)).longValue(),
                                "study.household",
                                id,
                                Action.INSERT),
                        keyId,
                        sealed));
        assertThat(snapshot.get("model").asText()).isEqualTo("study.household");
        assertThat(snapshot.get("schemaVersion").asInt()).isEqualTo(2);
        JsonNode fields = snapshot.get("fields");
        assertThat(fields.get("id").asText()).isEqualTo(id.toString());
        assertThat(fields.get("household_identifier").asText()).isEqualTo(identifier);
        assertThat(fields.get("village").asText()).isEqualTo("Lentsweletau");
        assertThat(fields.get("version").asLong()).isZero();
        assertThat(fields.get("device_created").asText()).isEqualTo("test-laptop");
        assertThat(fields.get("created").asText()).isNotBlank();
        assertThat(fields.has("hostname_created")).isTrue();
    }

    @Test
    void committedUpdateAndDeleteEachHaveExactlyOneOutgoingTransaction() {
        UUID id = db.newHousehold(TestDb.uniqueIdentifier("HH"));

        QuarkusTransaction.requiringNew().run(() -> em.find(Household.class, id).setVillage("Mochudi"));
        QuarkusTransaction.requiringNew().run(() -> em.remove(em.find(Household.class, id)));

        assertThat(db.rows("SELECT action FROM outgoing_transaction WHERE record_id = ? ORDER BY seq", id))
                .extracting(row -> row.get(0))
                .containsExactly("INSERT", "UPDATE", "DELETE");
        assertThat(db.rows("SELECT action FROM record_history WHERE record_id = ? ORDER BY id", id))
                .extracting(row -> row.get(0))
                .containsExactly("INSERT", "UPDATE", "DELETE");
    }

    @Test
    void eachChangeCarriesTheRecordsLineageRevisionAndTheChangeItWasMadeOn() throws Exception {
        UUID id = db.newHousehold(TestDb.uniqueIdentifier("HH"));
        QuarkusTransaction.requiringNew().run(() -> em.find(Household.class, id).setVillage("Mochudi"));
        QuarkusTransaction.requiringNew().run(() -> em.find(Household.class, id).setVillage("Gabane"));

        List<List<Object>> txs = db.rows(
                "SELECT tx_id, seq, key_id, payload, action FROM outgoing_transaction "
                        + "WHERE record_id = ? ORDER BY seq",
                id);
        UUID previous = null;
        for (int i = 0; i < txs.size(); i++) {
            List<Object> tx = txs.get(i);
            JsonNode snapshot = json.readTree(TestServerKeys.ring()
                    .open(
                            new TransactionHeader(
                                    (UUID) tx.get(0),
                                    "test-laptop",
                                    ((Number) tx.get(1)).longValue(),
                                    "study.household",
                                    id,
                                    Action.valueOf((String) tx.get(4))),
                            (String) tx.get(2),
                            (byte[]) tx.get(3)));
            assertThat(snapshot.get("rev").asLong()).as("rev of change %d", i).isEqualTo(i + 1);
            if (previous == null) {
                assertThat(snapshot.get("baseTxId").isNull()).isTrue();
            } else {
                assertThat(snapshot.get("baseTxId").asText()).isEqualTo(previous.toString());
            }
            previous = (UUID) tx.get(0);
        }
        assertThat(txs).hasSize(3);
    }

    @Test
    void rollbackLeavesNoOutgoingTransaction() {
        long before = db.outgoing();
        long historyBefore = db.count("SELECT COUNT(*) FROM record_history");

        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
                    Household household = new Household();
                    household.setHouseholdIdentifier(TestDb.uniqueIdentifier("HH"));
                    em.persist(household);
                    em.flush(); // the trigger has run: the outgoing row exists inside this transaction
                    throw new IllegalStateException("the research assistant cancelled the form");
                }))
                .hasMessageContaining("cancelled");

        assertThat(db.outgoing()).isEqualTo(before);
        assertThat(db.count("SELECT COUNT(*) FROM record_history")).isEqualTo(historyBefore);
    }

    @Test
    void aBulkEntrySignsItsChangesTogetherAndEachHasItsOutgoingRowInTheSameTransaction() {
        // 150: two chunks signed on a pool thread or this one (Signatures.CHUNK), and the rest at the end
        String prefix = TestDb.uniqueIdentifier("SIGNED");
        long seqBefore = db.lastSeq();
        long before = db.outgoing();
        ArrayNode body = json.createArrayNode();
        for (int i = 0; i < 150; i++) {
            body.addObject().put("householdIdentifier", prefix + "-" + i).put("village", "Oodi");
        }

        assertThat(records.createAll("study.household", body, "tshepo")).isEqualTo(150);

        List<List<Object>> rows = db.rows(
                "SELECT o.tx_id, o.producer, o.seq, o.model, o.record_id, o.action, o.key_id, o.payload, o.signer, "
                        + "o.signature, h.household_identifier FROM outgoing_transaction o "
                        + "JOIN household h ON h.id = o.record_id WHERE h.household_identifier LIKE ? ORDER BY o.seq",
                prefix + "-%");
        assertThat(rows).hasSize(150);
        DeviceSigningKey key = identity.signingKey();
        for (int i = 0; i < rows.size(); i++) {
            List<Object> row = rows.get(i);
            assertThat(row.get(10)).as("seq follows the order of the array").isEqualTo(prefix + "-" + i);
            assertThat(((Number) row.get(2)).longValue()).isEqualTo(seqBefore + 1 + i);
            TransactionEnvelope envelope = TestDb.envelope(row);
            assertThat(row.get(8)).isEqualTo(key.keyId());
            assertThat(key.verifies(envelope, (byte[]) row.get(9)))
                    .as("change %d is signed by this device", i)
                    .isTrue();
        }
        assertThat(db.outgoing()).isEqualTo(before + 150);

        // the last of 101 is refused: none of them is stored, captured or numbered
        long history = db.count("SELECT COUNT(*) FROM record_history");
        ArrayNode refused = json.createArrayNode();
        for (int i = 0; i < 100; i++) {
            refused.addObject().put("householdIdentifier", prefix + "M" + i).put("village", "Oodi");
        }
        refused.addObject().put("householdIdentifier", prefix + "-0").put("village", "Oodi");
        assertThatThrownBy(() -> records.createAll("study.household", refused, "tshepo"))
                .isInstanceOf(RecordConflictException.class)
                .hasMessageContaining("Record [100]");
        assertThat(db.outgoing()).isEqualTo(before + 150);
        assertThat(db.count("SELECT COUNT(*) FROM record_history")).isEqualTo(history);
        assertThat(db.lastSeq()).isEqualTo(seqBefore + 150);
        assertThat(db.count("SELECT COUNT(*) FROM household WHERE household_identifier LIKE ?", prefix + "M%"))
                .isZero();
    }

    @Test
    void changeThatFailsInTheDatabaseLeavesNoOutgoingTransaction() {
        String identifier = TestDb.uniqueIdentifier("HH");
        db.newHousehold(identifier);
        long before = db.outgoing();

        assertThatThrownBy(() -> db.newHousehold(identifier)).isNotNull();

        assertThat(db.outgoing()).isEqualTo(before);
    }

    @Test
    void captureCannotBeBypassedByPanacheBulkStatements() {
        String prefix = TestDb.uniqueIdentifier("BULK");
        UUID first = db.newHousehold(prefix + "-1");
        UUID second = db.newHousehold(prefix + "-2");
        long before = db.outgoing();

        int updated = QuarkusTransaction.requiringNew()
                .call(() -> households.update("village = ?1 where householdIdentifier like ?2", "Kanye", prefix + "%"));
        long deleted = QuarkusTransaction.requiringNew()
                .call(() -> households.delete("householdIdentifier = ?1", prefix + "-2"));

        assertThat(updated).isEqualTo(2);
        assertThat(deleted).isEqualTo(1);
        assertThat(db.outgoing()).isEqualTo(before + 3);
        assertThat(db.rows("SELECT action FROM outgoing_transaction WHERE record_id = ? ORDER BY seq", first))
                .extracting(row -> row.get(0))
                .containsExactly("INSERT", "UPDATE");
        assertThat(db.rows("SELECT action FROM outgoing_transaction WHERE record_id = ? ORDER BY seq", second))
                .extracting(row -> row.get(0))
                .containsExactly("INSERT", "UPDATE", "DELETE");
        // a bulk update does not raise @Version itself; the trigger does, so every change has a new version
        assertThat(db.count("SELECT version FROM household WHERE id = ?", first))
                .isEqualTo(1);
    }

    @Test
    void captureCannotBeBypassedByNativeSql() {
        UUID id = db.newHousehold(TestDb.uniqueIdentifier("HH"));
        long before = db.outgoing();

        QuarkusTransaction.requiringNew()
                .run(() -> em.createNativeQuery("UPDATE household SET village = 'Molepolole' WHERE id = ?1")
                        .setParameter(1, id)
                        .executeUpdate());

        assertThat(db.outgoing()).isEqualTo(before + 1);
        assertThat(db.rows("SELECT action FROM outgoing_transaction WHERE record_id = ? ORDER BY seq DESC", id)
                        .get(0)
                        .get(0))
                .isEqualTo("UPDATE");
    }

    @Test
    void auditFieldsAreStampedByTheDatabaseAndCreationFieldsNeverChange() {
        UUID id = db.newHousehold(TestDb.uniqueIdentifier("HH"));
        Household created = QuarkusTransaction.requiringNew().call(() -> em.find(Household.class, id));

        QuarkusTransaction.requiringNew()
                .run(() -> em.createNativeQuery(
                                "UPDATE household SET created = ?1, device_created = 'forged', village = 'X' WHERE id "
                                        + "= ?2")
                        .setParameter(1, OffsetDateTime.parse("2001-01-01T00:00:00Z"))
                        .setParameter(2, id)
                        .executeUpdate());
        Household updated = QuarkusTransaction.requiringNew().call(() -> em.find(Household.class, id));

        assertThat(created.getDeviceCreated()).isEqualTo("test-laptop");
        assertThat(created.getUserCreated()).isEqualTo("field-user");
        assertThat(updated.getCreated()).isEqualTo(created.getCreated());
        assertThat(updated.getDeviceCreated()).isEqualTo("test-laptop");
        assertThat(updated.getModified()).isAfterOrEqualTo(created.getModified());
        assertThat(updated.getVersion()).isEqualTo(created.getVersion() + 1);
    }

    @Test
    void changingARecordsIdIsRefused() {
        UUID id = db.newHousehold(TestDb.uniqueIdentifier("HH"));
        long before = db.outgoing();

        assertThatThrownBy(() -> QuarkusTransaction.requiringNew()
                        .run(() -> em.createNativeQuery("UPDATE household SET id = ?1 WHERE id = ?2")
                                .setParameter(1, UUID.randomUUID())
                                .setParameter(2, id)
                                .executeUpdate()))
                .hasStackTraceContaining("never changes");

        assertThat(db.outgoing()).isEqualTo(before);
    }

    @Test
    void foreignKeysTravelAsTheTargetsUuid() throws Exception {
        UUID household = db.newHousehold(TestDb.uniqueIdentifier("HH"));
        UUID subject = QuarkusTransaction.requiringNew().call(() -> {
            Subject s = new Subject();
            s.setSubjectIdentifier(TestDb.uniqueIdentifier("S"));
            s.setHouseholdId(household);
            s.setGender("F");
            s.setConsentDatetime(OffsetDateTime.now());
            em.persist(s);
            return s.getId();
        });

        List<Object> tx = db.rows(
                        "SELECT tx_id, seq, key_id, payload FROM outgoing_transaction WHERE record_id = ?", subject)
                .get(0);
        byte[] payload = TestServerKeys.ring()
                .open(
                        new TransactionHeader(
                                (UUID) tx.get(0),
                                "test-laptop",
                                ((Number) tx.get(1)).longValue(),
                                "study.subject",
                                subject,
                                Action.INSERT),
                        (String) tx.get(2),
                        (byte[]) tx.get(3));
        assertThat(json.readTree(payload).at("/fields/household_id").asText()).isEqualTo(household.toString());
    }
}
