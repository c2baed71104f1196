package io.collectoffline.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.protocol.TransactionResult;
import io.collectoffline.protocol.TransactionStatus;
import io.collectoffline.server.Fixtures;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.shipping.ShippingQueue.Position;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A round of checks of what the upstream still holds (ADR 18) asks about every producer this server holds, a slice
 * per pass, so that no pass waits for thousands of watermark requests; outside a round a pass asks only about the
 * producers with something to forward.
 */
@QuarkusTest
class ForwardQueueTest {

    @Inject
    ForwardQueue queue;

    @Inject
    ActiveDatabase database;

    @Test
    void aRoundAsksAboutEveryProducerASliceAPassAndThenOnlyAboutThoseWithSomethingToForward() throws SQLException {
        List<String> mine = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps =
                        c.prepareStatement("INSERT INTO producer_state (producer) VALUES (?) ON CONFLICT DO NOTHING")) {
            for (int i = 0; i < 250; i++) {
                String producer = String.format("round-%03d", i);
                mine.add(producer);
                ps.setString(1, producer);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        long all = count("SELECT COUNT(*) FROM producer_state");
        Set<String> pending = new HashSet<>(queue.producers());

        queue.startRound();
        Set<String> asked = new HashSet<>();
        int passes = 0;
        while (queue.roundRunning()) {
            List<String> pass = queue.producersToCheck();
            passes++;
            assertThat(pass).containsAll(pending);
            assertThat(pass.stream().filter(p -> !pending.contains(p)).count())
                    .isLessThanOrEqualTo(ForwardQueue.CHECK_SLICE);
            asked.addAll(pass);
            assertThat((long) passes).as("the round ends").isLessThanOrEqualTo(all / ForwardQueue.CHECK_SLICE + 1);
        }

        assertThat(asked).containsAll(mine);
        assertThat(asked).hasSize((int) count("SELECT COUNT(*) FROM (SELECT producer FROM producer_state UNION "
                + "SELECT DISTINCT producer FROM incoming_transaction WHERE forwarded_at IS NULL "
                + "AND forward_rejected IS NULL) p"));
        assertThat(queue.producersToCheck()).containsExactlyInAnyOrderElementsOf(queue.producers());
    }

    /**
     * README, Guarantees 23: a transaction the upstream refused (by REST, or in a file's receipt) is listed with the
     * reason and sent again — by itself once it was refused more than {@code resend-rejected-after} ago, at once
     * when an admin asks — by REST and in the next export file alike. Before, it stayed refused for ever, and the
     * upstream held every later transaction of its producer behind the gap.
     */
    @Test
    void noRefusalByTheUpstreamIsForEverATransactionIsSentAgainAfterTheWaitOrWhenAsked() throws SQLException {
        String producer = Fixtures.producer();
        UUID byRest = UUID.randomUUID();
        UUID byFile = UUID.randomUUID();
        assertThat(Fixtures.send(
                        producer,
                        List.of(
                                Fixtures.tx(
                                        producer,
                                        1,
                                        "study.household",
                                        "INSERT",
                                        Fixtures.household(UUID.randomUUID(), Fixtures.identifier("R"), "Refused", 1),
                                        byRest,
                                        0,
                                        null),
                                Fixtures.tx(
                                        producer,
                                        2,
                                        "study.household",
                                        "INSERT",
                                        Fixtures.household(UUID.randomUUID(), Fixtures.identifier("R"), "Refused", 1),
                                        byFile,
                                        0,
                                        null))))
                .containsOnly("ACCEPTED");
        List<TransactionEnvelope> stored = pendingOf(producer, true);
        assertThat(stored).extracting(TransactionEnvelope::txId).containsExactly(byRest, byFile);
        // the upstream refuses the first by REST; the second travels in a file whose receipt refuses it
        queue.record(
                stored.subList(0, 1),
                List.of(new TransactionResult(byRest, TransactionStatus.REJECTED, "payload exceeds 100 bytes")));
        UUID file = UUID.randomUUID();
        try (Connection c = database.dataSource().getConnection()) {
            ForwardQueue.markExported(c, file, List.of(byFile));
            ForwardQueue.markByReceipt(c, file, Map.of(byFile, "unknown model"));
        }
        assertThat(pendingOf(producer, false)).as("refused: not forwarded").isEmpty();
        assertThat(queue.refused(1000))
                .filteredOn(r -> r.producer().equals(producer))
                .extracting(ForwardQueue.Refused::seq, ForwardQueue.Refused::reason)
                .containsExactly(tuple(1L, "payload exceeds 100 bytes"), tuple(2L, "unknown model"));

        assertThat(queue.requeueRefused(sixHoursAgo()))
                .as("refused just now: not yet sent again by itself")
                .isZero();
        int requeued = Fixtures.admin()
                .post("/api/v1/forward/refused/retry")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getInt("requeued");

        assertThat(requeued).isGreaterThanOrEqualTo(2);
        assertThat(queue.refused(1000)).noneMatch(r -> r.producer().equals(producer));
        assertThat(pendingOf(producer, true))
                .as("pending again, for REST and for the next export file")
                .extracting(TransactionEnvelope::txId)
                .containsExactly(byRest, byFile);

        // refused again, and the wait passed: sent again by itself at the start of the next pass
        queue.refuse(stored.get(0), "still too large");
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE incoming_transaction SET forward_rejected_at = ? " + "WHERE tx_id = ?")) {
            ps.setObject(1, OffsetDateTime.now(ZoneOffset.UTC).minusHours(7));
            ps.setObject(2, byRest);
            ps.executeUpdate();
        }
        assertThat(queue.requeueRefused(sixHoursAgo())).isGreaterThanOrEqualTo(1);
        assertThat(pendingOf(producer, false))
                .extracting(TransactionEnvelope::txId)
                .containsExactly(byRest, byFile);

        // refused by this server's clock when it was a year ahead, since put right: sent again by itself, at once;
        // a refusal stamped seconds ahead (a clock stepped back by NTP) waits, but an admin's retry takes it
        queue.refuse(stored.get(0), "still too large");
        setRefusedAt(byRest, OffsetDateTime.now(ZoneOffset.UTC).plusDays(365));
        assertThat(queue.requeueRefused(sixHoursAgo())).isGreaterThanOrEqualTo(1);
        assertThat(pendingOf(producer, false))
                .extracting(TransactionEnvelope::txId)
                .contains(byRest);
        queue.refuse(stored.get(0), "still too large");
        setRefusedAt(byRest, OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(30));
        queue.requeueRefused(sixHoursAgo());
        assertThat(pendingOf(producer, false))
                .extracting(TransactionEnvelope::txId)
                .doesNotContain(byRest);
        assertThat(queue.requeueEveryRefused()).isGreaterThanOrEqualTo(1);
        assertThat(pendingOf(producer, false))
                .extracting(TransactionEnvelope::txId)
                .contains(byRest);
        queue.markHeld(List.of(byRest, byFile)); // nothing of this test left to forward
    }

    private void setRefusedAt(UUID txId, OffsetDateTime at) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps =
                        c.prepareStatement("UPDATE incoming_transaction SET forward_rejected_at = ? WHERE tx_id = ?")) {
            ps.setObject(1, at);
            ps.setObject(2, txId);
            ps.executeUpdate();
        }
    }

    /** What a pass sends again with the default {@code resend-rejected-after}: refused before this. */
    private static OffsetDateTime sixHoursAgo() {
        return OffsetDateTime.now(ZoneOffset.UTC).minusHours(6);
    }

    /** The transactions of {@code producer} still to forward (only those in no export file: for files). */
    private List<TransactionEnvelope> pendingOf(String producer, boolean forFiles) {
        return queue.next(new Position(producer, 0), 1000, forFiles).stream()
                .filter(e -> e.producer().equals(producer))
                .toList();
    }

    @AfterEach
    void removeTheProducers() throws SQLException {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM producer_state WHERE producer LIKE 'round-%'")) {
            ps.executeUpdate();
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
