package io.collectoffline.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.collectoffline.server.config.ActiveDatabase;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

    @org.junit.jupiter.api.AfterEach
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
