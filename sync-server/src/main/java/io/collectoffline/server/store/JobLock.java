package io.collectoffline.server.store;

import io.collectoffline.server.config.ActiveDatabase;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes a job (export, forwarding, the inbox watcher) run on one server instance at a time, however many share the
 * database (DESIGN §9): on PostgreSQL a session advisory lock, held on one connection for the job's length, so that
 * a crashed instance's lock goes with its connection; on the embedded H2, which only one process can open, a lock
 * in this JVM. A job that finds its lock taken does not wait: the holder is doing the work.
 */
@ApplicationScoped
public class JobLock {

    /** The first key of every advisory lock this server takes, so that its jobs never meet other users' locks. */
    static final int NAMESPACE = 0x436f4c78; // "CoLx"

    /** A job's lock, held until closed. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private final ActiveDatabase database;
    private final Map<String, ReentrantLock> local = new ConcurrentHashMap<>();

    JobLock(ActiveDatabase database) {
        this.database = database;
    }

    /** The lock of {@code job} if no one (in this JVM or another instance) holds it; empty otherwise. */
    public Optional<Held> tryLock(String job) {
        ReentrantLock inJvm = local.computeIfAbsent(job, name -> new ReentrantLock());
        if (!inJvm.tryLock()) {
            return Optional.empty();
        }
        if (!database.isPostgresql()) {
            return Optional.of(inJvm::unlock);
        }
        Connection connection = null;
        try {
            connection = database.dataSource().getConnection();
            connection.setAutoCommit(true);
            if (advisory(connection, "SELECT pg_try_advisory_lock(?, hashtext(?))", job)) {
                Connection holding = connection;
                return Optional.of(() -> release(holding, job, inJvm));
            }
            connection.close();
            inJvm.unlock();
            return Optional.empty();
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            inJvm.unlock();
            throw new IllegalStateException("taking the lock of job " + job + " failed", e);
        }
    }

    private static void release(Connection connection, String job, ReentrantLock inJvm) {
        try {
            if (!advisory(connection, "SELECT pg_advisory_unlock(?, hashtext(?))", job)) {
                Log.warnf("The lock of job %s was not held at its end", job);
            }
            connection.close();
        } catch (SQLException e) {
            // the session is gone, and its advisory lock with it; make sure the pool does not keep the connection
            Log.warnf("Releasing the lock of job %s failed (%s); dropping its connection", job, e.getMessage());
            abort(connection);
        } finally {
            inJvm.unlock();
        }
    }

    private static boolean advisory(Connection connection, String sql, String job) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setInt(1, NAMESPACE);
            ps.setString(2, job);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static void abort(Connection connection) {
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            Log.debugf("Aborting a connection failed (%s); closing it", e.getMessage());
            closeQuietly(connection);
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            Log.debugf("Closing a connection failed: %s", e.getMessage());
        }
    }
}
