package io.collectoffline.client.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The bridge between the application and the database trigger that H2 instantiates by class name (and so cannot
 * receive injected beans): the start-up code publishes the settings here, the trigger reads them.
 *
 * <p>Also carries the user on whose behalf the current thread writes; H2 embedded runs triggers on the calling
 * thread, so a thread-local reaches the trigger of the very statement the request caused.
 */
public final class CaptureRuntime {

    private static volatile CaptureSettings settings;
    private static final ThreadLocal<String> USER = new ThreadLocal<>();
    private static final ThreadLocal<Received> RECEIVING = new ThreadLocal<>();
    private static final ThreadLocal<Signatures> SIGNING_LATER = new ThreadLocal<>();
    private static volatile String defaultUser = "system";

    private CaptureRuntime() {}

    static void install(CaptureSettings newSettings, String fallbackUser) {
        defaultUser = fallbackUser;
        settings = newSettings;
    }

    /** @return the settings, or null before start-up has installed capture */
    static CaptureSettings settings() {
        return settings;
    }

    static String currentUser() {
        String user = USER.get();
        return user != null ? user : defaultUser;
    }

    /** Runs {@code work} with {@code user} recorded as the author of every change it makes. */
    public static <T> T asUser(String user, Supplier<T> work) {
        String previous = USER.get();
        USER.set(user);
        try {
            return work.get();
        } finally {
            if (previous == null) {
                USER.remove();
            } else {
                USER.set(previous);
            }
        }
    }

    /** Work on a connection that may throw what JDBC throws. */
    @FunctionalInterface
    public interface ConnectionWork {
        void run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} — many changes in one database transaction, such as a bulk entry — with the changes it captures
     * signed on another core while it goes on ({@link Signatures}), and their outgoing rows written in one batch when
     * it has returned. Nothing else differs: each change has its seq, payload and history row when its statement runs,
     * and its outgoing row before this returns, in the same transaction (a failure rolls all of them back).
     *
     * @param onConnection runs the writing of the outgoing rows on the connection of the transaction {@code work}
     *                     wrote in (the trigger's own session)
     */
    public static <T> T signingTogether(Supplier<T> work, Consumer<ConnectionWork> onConnection) {
        if (SIGNING_LATER.get() != null) {
            throw new IllegalStateException("already signing together on this thread");
        }
        Signatures signatures = new Signatures();
        SIGNING_LATER.set(signatures);
        T result;
        try {
            result = work.get();
        } catch (RuntimeException | Error e) {
            signatures.cancel();
            throw e;
        } finally {
            SIGNING_LATER.remove();
        }
        List<CaptureTrigger.Captured> changes = signatures.changes();
        if (!changes.isEmpty()) {
            List<byte[]> signed = signatures.await();
            onConnection.accept(connection -> CaptureTrigger.writeOutgoing(connection, changes, signed));
        }
        return result;
    }

    /** @return whether {@code captured} waits to be signed with the rest of its {@link #signingTogether} work */
    static boolean signLater(CaptureTrigger.Captured captured) {
        Signatures later = SIGNING_LATER.get();
        if (later == null) {
            return false;
        }
        later.add(captured);
        return true;
    }

    /**
     * A change this laptop received from its server (two-way, ADR 14): written without being captured again (nothing
     * echoes back up), with its history as the server knows it.
     *
     * @param txId      the transaction that made the change
     * @param producer  the device where it was made
     * @param rev       its revision, as its payload states it (the base of this laptop's next edit of the record)
     * @param changedAt when, by the producer's audit fields
     * @param changedBy who
     * @param device    on which device
     * @param hostname  on which host
     */
    public record Received(
            java.util.UUID txId,
            String producer,
            long rev,
            java.time.OffsetDateTime changedAt,
            String changedBy,
            String device,
            String hostname) {}

    /** Work on the database that may throw what JDBC throws. */
    @FunctionalInterface
    public interface SqlWork {
        void run() throws java.sql.SQLException;
    }

    /** Runs {@code work} — the statement writing {@code received} — with capture writing history only. */
    public static void receiving(Received received, SqlWork work) throws java.sql.SQLException {
        RECEIVING.set(received);
        try {
            work.run();
        } finally {
            RECEIVING.remove();
        }
    }

    /** @return the received change the current thread writes, or null for a change made here */
    static Received received() {
        return RECEIVING.get();
    }
}
