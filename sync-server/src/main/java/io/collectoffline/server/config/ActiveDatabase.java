package io.collectoffline.server.config;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;

/**
 * The one datasource this server runs on, chosen at run time by {@code sync.server.db}. Everything that needs the
 * database takes it from here, so no code depends on which one it is except where SQL dialects differ. Work that
 * writes runs in a Quarkus (JTA) transaction through {@link #inTransaction}; no code commits or rolls back by hand.
 */
@ApplicationScoped
public class ActiveDatabase {

    private final ServerConfig.Database kind;
    private final AgroalDataSource dataSource;

    ActiveDatabase(ServerConfig config, @Any InjectableInstance<AgroalDataSource> dataSources) {
        this.kind = config.db();
        this.dataSource = dataSources
                .select(new DataSource.DataSourceLiteral(kind.name()))
                .get();
    }

    public AgroalDataSource dataSource() {
        return dataSource;
    }

    public ServerConfig.Database kind() {
        return kind;
    }

    public boolean isPostgresql() {
        return kind == ServerConfig.Database.postgresql;
    }

    /**
     * After a write to a full disk the embedded H2 keeps its database open but unusable: its store stopped writing,
     * and every connection to it, old or new, fails the same way until all are closed. Closing the pool's connections
     * lets the next connection open the file again once space is freed (ServerDefaultDatabaseIT). PostgreSQL recovers
     * by itself: nothing to do there.
     */
    public void closeEmbeddedAfterDiskFull() {
        if (isPostgresql()) {
            return;
        }
        dataSource.flush(AgroalDataSource.FlushMode.ALL);
    }

    /** Work on the connection of a transaction; it never commits, rolls back or changes auto-commit itself. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} in a new transaction (suspending the caller's, if any) and commits it when {@code work}
     * returns; any exception rolls it back. Every connection taken from {@link #dataSource()} inside is enlisted in
     * that transaction. An {@link SQLException} comes out as an {@link IllegalStateException} saying {@code what}
     * failed.
     */
    public <T> T inTransaction(String what, Work<T> work) {
        return inTransaction(what, null, work);
    }

    /** As {@link #inTransaction(String, Work)}, for work that may outlast the default timeout (a long export). */
    public <T> T inTransaction(String what, java.time.Duration timeout, Work<T> work) {
        var transaction = QuarkusTransaction.requiringNew();
        if (timeout != null) {
            transaction = transaction.timeout((int) timeout.toSeconds());
        }
        return transaction.call(() -> {
            try (Connection connection = dataSource.getConnection()) {
                return work.run(connection);
            } catch (SQLException e) {
                throw new IllegalStateException(what + " failed", e);
            }
        });
    }

    /**
     * Rolls {@code connection}'s transaction back to {@code savepoint}, and only that far. The pool refuses any
     * rollback on a connection enlisted in a transaction, a partial one too; the driver's own connection does it
     * inside the same database transaction, which goes on and is committed or rolled back as a whole as before.
     */
    public static void rollbackTo(Connection connection, Savepoint savepoint) throws SQLException {
        connection.unwrap(Connection.class).rollback(savepoint);
    }
}
