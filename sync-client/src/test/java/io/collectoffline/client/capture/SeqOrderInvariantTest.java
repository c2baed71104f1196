package io.collectoffline.client.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.collectoffline.client.TestDb;
import io.collectoffline.study.Household;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** DESIGN §5, invariant 2: per producer, seq is gap-free and increasing in commit order. */
@QuarkusTest
class SeqOrderInvariantTest {

    @Inject
    TestDb db;

    @Inject
    EntityManager em;

    @Test
    void seqIsGapFreeAcrossConcurrentWriters() throws Exception {
        long before = db.lastSeq();
        int threads = 6;
        int perThread = 20;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        db.newHousehold(TestDb.uniqueIdentifier("CC"));
                    }
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        List<Long> seqs = db.rows("SELECT seq FROM outgoing_transaction WHERE seq > ? ORDER BY seq", before).stream()
                .map(row -> ((Number) row.get(0)).longValue())
                .toList();
        assertThat(seqs).hasSize(threads * perThread);
        for (int i = 0; i < seqs.size(); i++) {
            assertThat(seqs.get(i)).isEqualTo(before + 1 + i);
        }
    }

    @Test
    void seqFollowsCommitOrder() throws Exception {
        CountDownLatch firstCaptured = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CompletableFuture<UUID> first = CompletableFuture.supplyAsync(() -> QuarkusTransaction.requiringNew()
                .call(() -> {
                    UUID id = persistAndFlush();
                    firstCaptured.countDown();
                    releaseFirst.await(30, TimeUnit.SECONDS);
                    return id;
                }));
        assertThat(firstCaptured.await(30, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<UUID> second = CompletableFuture.supplyAsync(
                () -> QuarkusTransaction.requiringNew().call(this::persistAndFlush));

        // the second writer cannot take a number while the first transaction is open
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !second.isDone());
        releaseFirst.countDown();
        UUID firstId = first.get(30, TimeUnit.SECONDS);
        UUID secondId = second.get(30, TimeUnit.SECONDS);

        assertThat(seqOf(secondId)).isEqualTo(seqOf(firstId) + 1);
    }

    @Test
    void rolledBackSeqIsGivenBackSoNoGapOpens() throws Exception {
        long before = db.lastSeq();
        CountDownLatch firstCaptured = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CompletableFuture<Void> doomed = CompletableFuture.runAsync(() -> QuarkusTransaction.requiringNew()
                .run(() -> {
                    persistAndFlush();
                    firstCaptured.countDown();
                    try {
                        releaseFirst.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("the form was abandoned: roll back");
                }));
        assertThat(firstCaptured.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<UUID> next = CompletableFuture.supplyAsync(
                () -> QuarkusTransaction.requiringNew().call(this::persistAndFlush));
        releaseFirst.countDown();
        assertThat(doomed).failsWithin(Duration.ofSeconds(30));

        assertThat(seqOf(next.get(30, TimeUnit.SECONDS))).isEqualTo(before + 1);
    }

    private UUID persistAndFlush() {
        Household household = new Household();
        household.setHouseholdIdentifier(TestDb.uniqueIdentifier("ORD"));
        em.persist(household);
        em.flush();
        return household.getId();
    }

    private long seqOf(UUID recordId) {
        return db.count("SELECT seq FROM outgoing_transaction WHERE record_id = ?", recordId);
    }
}
