package io.collectoffline.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.collectoffline.protocol.BusyDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What PostgreSQL throws when one transaction gives up on another is what the server answers 503 busy (and not a
 * 500): its {@code lock_timeout} and the loser of a deadlock. Plain JDBC on the tests' database, a table of its own.
 */
class BusyPostgresTest {

    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";

    private Connection a;
    private Connection b;

    @BeforeEach
    void twoTransactions() throws SQLException {
        try (Connection setup = DriverManager.getConnection(URL, "postgres", "");
                Statement st = setup.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS busy_test (id INT PRIMARY KEY, v INT)");
            st.execute("INSERT INTO busy_test VALUES (1, 0), (2, 0) ON CONFLICT DO NOTHING");
        }
        a = begin();
        b = begin();
    }

    @AfterEach
    void end() throws SQLException {
        a.close();
        b.close();
        try (Connection setup = DriverManager.getConnection(URL, "postgres", "");
                Statement st = setup.createStatement()) {
            st.execute("DROP TABLE busy_test");
        }
    }

    @Test
    void aWriteThatWaitsLongerThanLockTimeoutIsBusy() throws SQLException {
        update(a, 1);
        execute(b, "SET lock_timeout = '200ms'");
        assertThatThrownBy(() -> update(b, 1))
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("55P03"))
                .matches(BusyDatabase::is);
    }

    @Test
    void theLoserOfADeadlockIsBusy() throws Exception {
        execute(a, "SET deadlock_timeout = '100ms'");
        execute(b, "SET deadlock_timeout = '100ms'");
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
        assertThat(((SQLException) lost).getSQLState()).isEqualTo("40P01");
        assertThat(BusyDatabase.is(new IllegalStateException(lost))).isTrue();
    }

    private static Connection begin() throws SQLException {
        Connection connection = DriverManager.getConnection(URL, "postgres", "");
        connection.setAutoCommit(false);
        return connection;
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
