package io.collectoffline.server.security;

import static io.collectoffline.server.Fixtures.admin;
import static io.collectoffline.server.Fixtures.batch;
import static io.collectoffline.server.Fixtures.household;
import static io.collectoffline.server.Fixtures.identifier;
import static io.collectoffline.server.Fixtures.post;
import static io.collectoffline.server.Fixtures.producer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.codec.KeyRing;
import io.collectoffline.codec.PayloadDictionaries;
import io.collectoffline.codec.SealedCodec;
import io.collectoffline.codec.SealedPayload;
import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.TransactionHeader;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.keys.ServerKeys;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sealed payloads (DESIGN §7) on the real ingest path: a laptop's sealed transaction is opened and applied;
 * altered ciphertext, changed metadata and unknown keys are REJECTED with the reason, recorded, never applied, and
 * never a 5xx.
 */
@QuarkusTest
class TamperingTest {

    @Inject
    ServerKeys keys;

    @Inject
    ActiveDatabase database;

    @Inject
    ObjectMapper json;

    @Test
    void sealedTransactionFromALaptopIsOpenedAndApplied() throws Exception {
        String producer = producer();
        UUID id = UUID.randomUUID();

        post(batch(producer, List.of(sealed(producer, 1, id, tx -> {}))))
                .statusCode(200)
                .body("results[0].status", equalTo("ACCEPTED"));

        await().untilAsserted(() -> admin().get("/api/v1/records/study.household/" + id)
                .then()
                .statusCode(200)
                .body("village", equalTo("Sealed village")));
    }

    @Test
    void alteredCiphertextIsRejectedFlaggedAndNeverApplied() throws Exception {
        String producer = producer();
        UUID id = UUID.randomUUID();

        assertRefused(
                producer,
                id,
                sealed(producer, 1, id, tx -> {
                    byte[] bytes = Base64.getDecoder().decode((String) tx.get("payload"));
                    bytes[bytes.length - 5] ^= 0x20;
                    tx.put("payload", Base64.getEncoder().encodeToString(bytes));
                }),
                "failed authentication");
    }

    @Test
    void metadataMovedOntoAnotherPayloadIsRejected() throws Exception {
        String producer = producer();
        UUID id = UUID.randomUUID();

        assertRefused(producer, id, sealed(producer, 1, id, tx -> tx.put("seq", 2)), "failed authentication");
        assertRefused(producer, id, sealed(producer, 1, id, tx -> tx.put("action", "DELETE")), "failed authentication");
        UUID other = UUID.randomUUID();
        assertRefused(
                producer,
                other,
                sealed(producer, 1, id, tx -> tx.put("recordId", other.toString())),
                "failed authentication");
    }

    @Test
    void unknownKeyIdIsRejected() throws Exception {
        String producer = producer();
        UUID id = UUID.randomUUID();

        assertRefused(
                producer,
                id,
                sealed(producer, 1, id, tx -> tx.put("keyId", "dk-" + UUID.randomUUID())),
                "failed authentication");
    }

    @Test
    void payloadSealedToAnotherServersKeyIsRejected(@TempDir Path otherServer) throws Exception {
        String producer = producer();
        UUID id = UUID.randomUUID();
        SealedCodec foreign = new SealedCodec(KeyRing.generate(otherServer), 100, Duration.ofHours(1));

        assertRefused(producer, id, sealedWith(foreign, producer, 1, id, tx -> {}), "does not hold");
    }

    @Test
    void aPayloadOfAnOlderAppUncompressedIsOpenedAndApplied() throws Exception {
        String producer = producer();
        UUID id = UUID.randomUUID();
        SealedCodec versionOne = new SealedCodec(keys.current(), 100, Duration.ofHours(1), null);

        post(batch(producer, List.of(sealedWith(versionOne, producer, 1, id, tx -> {}))))
                .statusCode(200)
                .body("results[0].status", equalTo("ACCEPTED"));
        await().untilAsserted(() -> assertThat(count("SELECT COUNT(*) FROM household WHERE id = ?", id))
                .isEqualTo(1));
    }

    @Test
    void aPayloadCompressedWithADictionaryOfANewerAppIsStoredAndWaitsUntilTheServerIsUpgraded() throws Exception {
        // a newer app ships a dictionary for study.household this server does not
        PayloadDictionaries newerApp = PayloadDictionaries.of(Map.of(
                "study.household",
                "{\"model\":\"study.household\",\"schemaVersion\":2,\"fields\":{\"village\":\"\","
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        String producer = producer();
        UUID id = UUID.randomUUID();
        Map<String, Object> tx = sealedWith(
                new SealedCodec(keys.current(), 100, Duration.ofHours(1), newerApp), producer, 1, id, t -> {});

        post(batch(producer, List.of(tx))).statusCode(200).body("results[0].status", equalTo("ACCEPTED"));

        await().untilAsserted(() -> admin().get("/api/v1/incoming/" + tx.get("txId"))
                .then()
                .statusCode(200)
                .body("status", equalTo("DEFERRED"))
                .body("statusReason", containsString("compressed with dictionary"))
                .body("statusReason", containsString("until the server is upgraded")));
        assertThat(count("SELECT COUNT(*) FROM household WHERE id = ?", id)).isZero();
    }

    private void assertRefused(String producer, UUID id, Map<String, Object> tx, String reason) throws Exception {
        post(batch(producer, List.of(tx)))
                .statusCode(200)
                .body("results[0].status", equalTo("REJECTED"))
                .body("results[0].reason", containsString(reason));
        assertThat(count("SELECT COUNT(*) FROM incoming_transaction WHERE producer = ?", producer))
                .isZero();
        assertThat(count("SELECT COUNT(*) FROM rejected_transaction WHERE tx_id = ?", UUID.fromString((String)
                        tx.get("txId"))))
                .isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM household WHERE id = ?", id)).isZero();
    }

    private Map<String, Object> sealed(String producer, long seq, UUID id, Consumer<Map<String, Object>> tamper)
            throws Exception {
        return sealedWith(new SealedCodec(keys.current(), 100, Duration.ofHours(1)), producer, seq, id, tamper);
    }

    private Map<String, Object> sealedWith(
            SealedCodec codec, String producer, long seq, UUID id, Consumer<Map<String, Object>> tamper)
            throws Exception {
        UUID txId = UUID.randomUUID();
        Map<String, Object> snapshot = new LinkedHashMap<>();
        snapshot.put("model", "study.household");
        snapshot.put("schemaVersion", 2);
        snapshot.put("fields", household(id, identifier("HH"), "Sealed village", 0));
        SealedPayload payload = codec.seal(
                new TransactionHeader(txId, producer, seq, "study.household", id, Action.INSERT),
                json.writeValueAsBytes(snapshot));
        Map<String, Object> tx = new LinkedHashMap<>();
        tx.put("txId", txId.toString());
        tx.put("producer", producer);
        tx.put("seq", seq);
        tx.put("model", "study.household");
        tx.put("recordId", id.toString());
        tx.put("action", "INSERT");
        tx.put("capturedAt", "2026-11-27T10:00:00Z");
        tx.put("keyId", payload.keyId());
        tx.put("payload", Base64.getEncoder().encodeToString(payload.bytes()));
        tamper.accept(tx);
        return tx;
    }

    private long count(String sql, Object arg) throws Exception {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
