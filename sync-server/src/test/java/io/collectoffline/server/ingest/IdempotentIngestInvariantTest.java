package io.collectoffline.server.ingest;

import static io.collectoffline.server.Fixtures.batch;
import static io.collectoffline.server.Fixtures.household;
import static io.collectoffline.server.Fixtures.identifier;
import static io.collectoffline.server.Fixtures.post;
import static io.collectoffline.server.Fixtures.problem;
import static io.collectoffline.server.Fixtures.producer;
import static io.collectoffline.server.Fixtures.send;
import static io.collectoffline.server.Fixtures.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.server.Fixtures;
import io.collectoffline.server.config.ActiveDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §5, invariant 4, on the real PostgreSQL: a server stores each txId once; a re-send with identical content
 * is answered DUPLICATE; the same txId with different content is refused and flagged, never applied.
 */
@QuarkusTest
class IdempotentIngestInvariantTest {

    @Inject
    ActiveDatabase database;

    @Inject
    ObjectMapper json;

    @Test
    void resentBatchIsAnsweredDuplicate() {
        String producer = producer();
        Map<String, Object> batch = batch(
                producer,
                List.of(
                        tx(
                                producer,
                                1,
                                "study.household",
                                "INSERT",
                                household(UUID.randomUUID(), identifier("HH"), "Oodi", 0)),
                        tx(
                                producer,
                                2,
                                "study.household",
                                "INSERT",
                                household(UUID.randomUUID(), identifier("HH"), "Oodi", 0))));

        post(batch).statusCode(200).body("results.status", org.hamcrest.Matchers.contains("ACCEPTED", "ACCEPTED"));
        post(batch)
                .statusCode(200)
                .body("results.status", org.hamcrest.Matchers.contains("DUPLICATE", "DUPLICATE"))
                .body("batchId", equalTo(batch.get("batchId")));

        assertThat(count("SELECT COUNT(*) FROM incoming_transaction WHERE producer = ?", producer))
                .isEqualTo(2);
    }

    /**
     * A lock another session holds on the transactions' table (an admin's open psql transaction, a VACUUM FULL, another
     * instance's migration) does not hold a laptop's push and a connection for ever: after PostgreSQL's lock timeout
     * (10 s, set on every connection) the batch is answered 503 busy with nothing stored, and the same batch sent again
     * once the lock is gone is ACCEPTED.
     */
    @Test
    void aBatchWaitingForALockAnotherSessionHoldsIsAnsweredBusyStoresNothingAndIsAcceptedWhenSentAgain()
            throws Exception {
        String producer = producer();
        Map<String, Object> batch = batch(
                producer,
                List.of(tx(
                        producer,
                        1,
                        "study.household",
                        "INSERT",
                        household(UUID.randomUUID(), identifier("HH"), "Oodi", 0))));
        long started;
        try (Connection holder = database.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (var s = holder.createStatement()) {
                s.execute("LOCK TABLE incoming_transaction IN SHARE MODE"); // readers pass, writers wait
            }
            started = System.nanoTime();
            CompletableFuture.runAsync(() -> post(batch)
                            .statusCode(503)
                            .header("Retry-After", "10")
                            .body("type", equalTo("urn:collect-offline:problem:busy")))
                    .get(40, java.util.concurrent.TimeUnit.SECONDS); // without a lock timeout it waits for ever
            holder.rollback();
        }
        assertThat((System.nanoTime() - started) / 1_000_000_000.0).isBetween(9.0, 30.0);
        assertThat(count("SELECT COUNT(*) FROM incoming_transaction WHERE producer = ?", producer))
                .isZero();

        post(batch).statusCode(200).body("results.status", org.hamcrest.Matchers.contains("ACCEPTED"));
        assertThat(count("SELECT COUNT(*) FROM incoming_transaction WHERE producer = ?", producer))
                .isEqualTo(1);
    }

    @Test
    void sameTxIdWithOtherContentIsRefusedFlaggedAndNeverApplied() {
        String producer = producer();
        UUID id = UUID.randomUUID();
        Map<String, Object> original =
                tx(producer, 1, "study.household", "INSERT", household(id, identifier("HH"), "Oodi", 0));
        Map<String, Object> forged =
                tx(producer, 1, "study.household", "INSERT", household(id, identifier("HH"), "Forged", 0));
        forged.put("txId", original.get("txId"));

        assertThat(send(producer, List.of(original))).containsExactly("ACCEPTED");
        post(batch(producer, List.of(forged)))
                .statusCode(200)
                .body("results[0].status", equalTo("REJECTED"))
                .body("results[0].reason", containsString("other content"));

        assertThat(count("SELECT COUNT(*) FROM rejected_transaction WHERE tx_id = ?", UUID.fromString((String)
                        original.get("txId"))))
                .isEqualTo(1);
        org.awaitility.Awaitility.await()
                .untilAsserted(() -> Fixtures.admin()
                        .get("/api/v1/records/study.household/" + id)
                        .then()
                        .statusCode(200)
                        .body("village", equalTo("Oodi")));
    }

    @Test
    void seqTakenByAnotherTransactionIsRefused() {
        String producer = producer();
        send(
                producer,
                List.of(tx(
                        producer,
                        1,
                        "study.household",
                        "INSERT",
                        household(UUID.randomUUID(), identifier("HH"), "Oodi", 0))));

        post(batch(
                        producer,
                        List.of(tx(
                                producer,
                                1,
                                "study.household",
                                "INSERT",
                                household(UUID.randomUUID(), identifier("HH"), "Oodi", 0)))))
                .statusCode(200)
                .body("results[0].status", equalTo("REJECTED"))
                .body("results[0].reason", containsString("already belongs to another transaction"));
    }

    @Test
    void concurrentResendsOfOneBatchStoreItOnce() throws Exception {
        String producer = producer();
        List<Map<String, Object>> txs = new ArrayList<>();
        for (int seq = 1; seq <= 50; seq++) {
            txs.add(tx(
                    producer,
                    seq,
                    "study.household",
                    "INSERT",
                    household(UUID.randomUUID(), identifier("HH"), "Oodi", 0)));
        }
        Map<String, Object> batch = batch(producer, txs);
        List<CompletableFuture<List<String>>> senders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            senders.add(CompletableFuture.supplyAsync(
                    () -> post(batch).statusCode(200).extract().jsonPath().getList("results.status")));
        }
        long accepted = 0;
        for (CompletableFuture<List<String>> sender : senders) {
            List<String> statuses = sender.get();
            assertThat(statuses).doesNotContain("REJECTED");
            accepted += statuses.stream().filter("ACCEPTED"::equals).count();
        }

        assertThat(accepted).isEqualTo(50);
        assertThat(count("SELECT COUNT(*) FROM incoming_transaction WHERE producer = ?", producer))
                .isEqualTo(50);
    }

    @Test
    void malformedTransactionsAreRejectedAloneAndTheOthersStored() {
        String producer = producer();
        Map<String, Object> good =
                tx(producer, 1, "study.household", "INSERT", household(UUID.randomUUID(), identifier("HH"), "Oodi", 0));
        Map<String, Object> unknownModel =
                tx(producer, 2, "study.household", "INSERT", household(UUID.randomUUID(), identifier("HH"), "Oodi", 0));
        unknownModel.put("model", "study.nothing");
        Map<String, Object> badAction =
                tx(producer, 3, "study.household", "UPSERT", household(UUID.randomUUID(), identifier("HH"), "Oodi", 0));
        Map<String, Object> wrongRecord =
                tx(producer, 4, "study.household", "INSERT", household(UUID.randomUUID(), identifier("HH"), "Oodi", 0));
        wrongRecord.put("recordId", UUID.randomUUID().toString());
        Map<String, Object> negativeSeq = tx(
                producer, -4, "study.household", "INSERT", household(UUID.randomUUID(), identifier("HH"), "Oodi", 0));
        Map<String, Object> notBase64 =
                tx(producer, 5, "study.household", "INSERT", household(UUID.randomUUID(), identifier("HH"), "Oodi", 0));
        notBase64.put("payload", "%%% not base64 %%%");
        Map<String, Object> unknownKey =
                tx(producer, 6, "study.household", "INSERT", household(UUID.randomUUID(), identifier("HH"), "Oodi", 0));
        unknownKey.put("keyId", "key-2031");

        post(batch(producer, List.of(good, unknownModel, badAction, wrongRecord, negativeSeq, notBase64, unknownKey)))
                .statusCode(200)
                .body(
                        "results.status",
                        org.hamcrest.Matchers.contains(
                                "ACCEPTED", "REJECTED", "REJECTED", "REJECTED", "REJECTED", "REJECTED", "REJECTED"))
                .body("results[1].reason", containsString("not an offline model"))
                .body("results[2].reason", containsString("action"))
                .body("results[3].reason", containsString("envelope says"))
                .body("results[4].reason", containsString("seq"))
                .body("results[5].reason", containsString("base64"))
                .body("results[6].reason", containsString("not a sealed payload"));

        assertThat(count("SELECT COUNT(*) FROM incoming_transaction WHERE producer = ?", producer))
                .isEqualTo(1);
    }

    @Test
    void batchWithATransactionWithoutTxIdIsRefusedWholeAndNothingStored() {
        String producer = producer();
        Map<String, Object> noTxId =
                tx(producer, 2, "study.household", "INSERT", household(UUID.randomUUID(), identifier("HH"), "Oodi", 0));
        noTxId.remove("txId");

        problem(
                        post(batch(
                                producer,
                                List.of(
                                        tx(
                                                producer,
                                                1,
                                                "study.household",
                                                "INSERT",
                                                household(UUID.randomUUID(), identifier("HH"), "Oodi", 0)),
                                        noTxId))),
                        400,
                        "invalid-input")
                .body("errors.field", hasItem("transactions[1].txId"));

        assertThat(count("SELECT COUNT(*) FROM incoming_transaction WHERE producer = ?", producer))
                .isZero();
    }

    @Test
    void batchWithoutIdOrSenderIsRefusedListingBoth() {
        problem(
                        Fixtures.device()
                                .contentType(ContentType.JSON)
                                .body(Map.of("transactions", List.of()))
                                .post("/api/v1/batches")
                                .then(),
                        400,
                        "invalid-input")
                .body("errors.field", org.hamcrest.Matchers.hasItems("batchId", "sender", "transactions"));
        problem(
                Fixtures.device()
                        .contentType(ContentType.JSON)
                        .body("{\"batchId\": ")
                        .post("/api/v1/batches")
                        .then(),
                400,
                "invalid-input");
    }

    @Test
    void tooManyTransactionsIsPayloadTooLarge() {
        String producer = producer();
        List<Map<String, Object>> txs = new ArrayList<>();
        Map<String, Object> one =
                tx(producer, 1, "study.household", "INSERT", household(UUID.randomUUID(), identifier("HH"), "Oodi", 0));
        for (int i = 0; i < 1001; i++) {
            txs.add(one);
        }
        problem(post(batch(producer, txs)), 413, "too-large").body("detail", containsString("1000"));
    }

    @Test
    void gzipBodyIsAccepted() throws Exception {
        String producer = producer();
        byte[] body = gzip(json.writeValueAsBytes(batch(
                producer,
                List.of(tx(
                        producer,
                        1,
                        "study.household",
                        "INSERT",
                        household(UUID.randomUUID(), identifier("HH"), "Oodi", 0))))));

        Fixtures.device()
                .contentType(ContentType.JSON)
                .header("Content-Encoding", "gzip")
                .body(body)
                .post("/api/v1/batches")
                .then()
                .statusCode(200)
                .body("results[0].status", equalTo("ACCEPTED"));
    }

    @Test
    void gzipBombIsPayloadTooLargeWithoutInflatingIt() throws Exception {
        byte[] zeros = new byte[40 * 1024 * 1024];
        byte[] bomb = gzip(zeros);
        assertThat(bomb.length).isLessThan(200_000);

        problem(
                        Fixtures.device()
                                .contentType(ContentType.JSON)
                                .header("Content-Encoding", "gzip")
                                .body(bomb)
                                .post("/api/v1/batches")
                                .then(),
                        413,
                        "too-large")
                .body("detail", containsString("after decompression"));
    }

    @Test
    void corruptGzipIsABadRequest() {
        problem(
                Fixtures.device()
                        .contentType(ContentType.JSON)
                        .header("Content-Encoding", "gzip")
                        .body(new byte[] {31, -117, 8, 0, 1, 2, 3})
                        .post("/api/v1/batches")
                        .then(),
                400,
                "invalid-input");
    }

    @Test
    void watermarkIsTheHighestContiguousSeqStored() {
        String producer = producer();
        send(
                producer,
                List.of(
                        tx(
                                producer,
                                1,
                                "study.household",
                                "INSERT",
                                household(UUID.randomUUID(), identifier("HH"), "A", 0)),
                        tx(
                                producer,
                                2,
                                "study.household",
                                "INSERT",
                                household(UUID.randomUUID(), identifier("HH"), "B", 0)),
                        tx(
                                producer,
                                4,
                                "study.household",
                                "INSERT",
                                household(UUID.randomUUID(), identifier("HH"), "D", 0))));

        Fixtures.device()
                .get("/api/v1/producers/" + producer + "/watermark")
                .then()
                .statusCode(200)
                .body("producer", equalTo(producer))
                .body("seq", equalTo(2));
        Fixtures.device()
                .get("/api/v1/producers/never-seen/watermark")
                .then()
                .statusCode(200)
                .body("seq", equalTo(0));
    }

    private long count(String sql, Object arg) {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] gzip(byte[] bytes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }
}
