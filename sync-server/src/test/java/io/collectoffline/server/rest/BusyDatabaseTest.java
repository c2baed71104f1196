package io.collectoffline.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.collectoffline.protocol.BusyDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What each database throws when one transaction gives up on another is what both apps answer 503 busy (and not a
 * 500): a wait past the lock timeout, and the loser of a deadlock. Plain JDBC, a table of its own: H2 (the laptop's and
 * the quick start's database) and PostgreSQL (the tests' database).
 */
class BusyDatabaseTest {

    enum Database {
        H2("jdbc:h2:mem:busy;DB_CLOSE_DELAY=-1", "SET LOCK_TIMEOUT 200", "HYT00", "40001"),
        POSTGRESQL(
                "jdbc:postgresql://127.0.0.1:5432/test",
                "SET lock_timeout = '200ms'; SET deadlock_timeout = '100ms'",
                "55P03",
                "40P01");

        final String url;
        final String shortWaits;
        final String timeoutState;
        final String deadlockState;

        Database(String url, String shortWaits, String timeoutState, String deadlockState) {
            this.url = url;
            this.shortWaits = shortWaits;
            this.timeoutState = timeoutState;
            this.deadlockState = deadlockState;
        }

        Connection begin() throws SQLException {
            Connection connection = DriverManager.getConnection(url, "postgres", "");
            execute(connection, "CREATE TABLE IF NOT EXISTS busy_test (id INT PRIMARY KEY, v INT)");
            execute(connection, "DELETE FROM busy_test");
            execute(connection, "INSERT INTO busy_test VALUES (1, 0), (2, 0)");
            execute(connection, shortWaits);
            connection.setAutoCommit(false);
            return connection;
        }
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aWriteThatWaitsLongerThanTheLockTimeoutIsBusy(Database database) throws SQLException {
        try (Connection holder = database.begin();
                Connection waiter = database.begin()) {
            update(holder, 1);
            assertThatThrownBy(() -> update(waiter, 1))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(database.timeoutState))
                    .matches(e -> BusyDatabase.is(new IllegalStateException("wrapped", e)));
        }
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void theLoserOfADeadlockIsBusy(Database database) throws Exception {
        try (Connection a = database.begin();
                Connection b = database.begin()) {
            update(a, 1);
            update(b, 2);
            CompletableFuture<Void> aWaits = CompletableFuture.runAsync(() -> {
                try {
                    update(a, 2);
                } catch (SQLException e) {
                    throw new CompletionException(e);
                }
            });
            Throwable lost;
            try {
                update(b, 1);
                aWaits.get(10, TimeUnit.SECONDS);
                throw new AssertionError("neither transaction lost");
            } catch (SQLException e) {
                lost = e;
            } catch (ExecutionException e) {
                lost = e.getCause() instanceof CompletionException wrapped ? wrapped.getCause() : e.getCause();
            }
            // the loser may also have waited past the (short) lock timeout first: busy as well
            assertThat(((SQLException) lost).getSQLState()).isIn(database.deadlockState, database.timeoutState);
            assertThat(BusyDatabase.is(new IllegalStateException(lost))).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void otherFailuresAreNot(Database database) throws SQLException {
        try (Connection connection = database.begin()) {
            assertThatThrownBy(() -> execute(connection, "INSERT INTO busy_test VALUES (1, 0)"))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"))
                    .matches(e -> !BusyDatabase.is(e));
        }
        assertThat(BusyDatabase.is(new SQLNonTransientConnectionException("gone", "08006")))
                .isFalse();
        assertThat(BusyDatabase.is(new SQLException("no state"))).isFalse();
        assertThat(BusyDatabase.answer("/x").getStatus()).isEqualTo(503);
    }

    @AfterEach
    void dropTheTable() throws SQLException {
        for (Database database : Database.values()) {
            try (Connection connection = DriverManager.getConnection(database.url, "postgres", "")) {
                execute(connection, "DROP TABLE IF EXISTS busy_test");
            }
        }
    }

    private static void update(Connection connection, int id) throws SQLException {
        execute(connection, "UPDATE busy_test SET v = v + 1 WHERE id = " + id);
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        }
    }
}
