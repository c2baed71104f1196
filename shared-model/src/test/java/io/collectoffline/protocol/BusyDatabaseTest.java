package io.collectoffline.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What H2, the laptop's and the quick-start server's database, throws when one transaction waits for another. */
class BusyDatabaseTest {

    private static final String URL = "jdbc:h2:mem:busy;LOCK_TIMEOUT=200;DB_CLOSE_DELAY=-1";

    @Test
    void aWriteThatWaitsLongerThanTheLockTimeoutIsBusy() throws Exception {
        try (Connection holder = open();
                Connection waiter = open()) {
            update(holder, 1);
            SQLException timeout = assertThrows(SQLException.class, () -> update(waiter, 1));
            assertTrue(BusyDatabase.is(new IllegalStateException("wrapped twice", new RuntimeException(timeout))));
        }
    }

    @Test
    void theLoserOfADeadlockIsBusy() throws Exception {
        try (Connection a = open();
                Connection b = open()) {
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
                lost = e.getCause().getCause();
            }
            assertTrue(BusyDatabase.is(lost), lost::toString);
        }
    }

    @Test
    void otherFailuresAreNot() throws Exception {
        try (Connection connection = open()) {
            SQLException duplicate = assertThrows(SQLException.class, () -> {
                try (Statement st = connection.createStatement()) {
                    st.execute("INSERT INTO t (id, v) VALUES (1, 0)");
                }
            });
            assertEquals("23505", duplicate.getSQLState());
            assertFalse(BusyDatabase.is(duplicate));
        }
        assertFalse(BusyDatabase.is(new SQLNonTransientConnectionException("gone", "08006")));
        assertFalse(BusyDatabase.is(new SQLException("no state")));
        assertFalse(BusyDatabase.is(new IllegalStateException("not SQL")));
        assertEquals(503, BusyDatabase.problem("/x").status());
    }

    private static Connection open() throws SQLException {
        Connection connection = DriverManager.getConnection(URL);
        try (Statement st = connection.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY, v INT)");
            st.execute("MERGE INTO t KEY (id) VALUES (1, 0), (2, 0)");
        }
        connection.setAutoCommit(false);
        return connection;
    }

    private static void update(Connection connection, int id) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.executeUpdate("UPDATE t SET v = v + 1 WHERE id = " + id);
        }
    }
}
