package io.collectoffline.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.collectoffline.server.config.ActiveDatabase;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The job lock is PostgreSQL's, not only this JVM's: while a job holds it, another session (another instance of
 * the server) cannot take it, and it is free again when the job ends.
 */
@QuarkusTest
class JobLockTest {

    @Inject
    JobLock jobs;

    @Inject
    ActiveDatabase database;

    @Test
    void aJobHeldHereIsHeldForEveryInstanceOnTheDatabase() throws SQLException {
        assertThat(database.isPostgresql()).as("these tests run on PostgreSQL").isTrue();
        Optional<JobLock.Held> held = jobs.tryLock("test-job");
        assertThat(held).isPresent();
        try {
            assertThat(jobs.tryLock("test-job"))
                    .as("the same job again in this JVM")
                    .isEmpty();
            assertThat(otherSessionTakes("test-job"))
                    .as("another instance's session")
                    .isFalse();
            assertThat(otherSessionTakes("another-job"))
                    .as("another job is not blocked")
                    .isTrue();
        } finally {
            held.get().close();
        }
        assertThat(otherSessionTakes("test-job")).as("free once the job ends").isTrue();
        Optional<JobLock.Held> again = jobs.tryLock("test-job");
        assertThat(again).isPresent();
        again.get().close();
    }

    /** Whether a session of its own takes (and then releases) the advisory lock of {@code job}. */
    private boolean otherSessionTakes(String job) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement take = c.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))");
                PreparedStatement release = c.prepareStatement("SELECT pg_advisory_unlock(?, hashtext(?))")) {
            take.setInt(1, JobLock.NAMESPACE);
            take.setString(2, job);
            boolean taken;
            try (ResultSet rs = take.executeQuery()) {
                rs.next();
                taken = rs.getBoolean(1);
            }
            if (taken) {
                release.setInt(1, JobLock.NAMESPACE);
                release.setString(2, job);
                release.executeQuery().close();
            }
            return taken;
        }
    }
}
