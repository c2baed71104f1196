package io.collectoffline.protocol;

import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Predicate;

/**
 * A write that the database gave up on because of another transaction: it waited longer than the lock timeout, or
 * lost a deadlock or a serialization check. The database rolled it back, so nothing of the request was written, and
 * the same request may be sent again; both apps answer it {@code 503} with {@code Retry-After} instead of a 500.
 */
public final class BusyDatabase {

    /** Type URI of the answer. */
    public static final String TYPE = Problem.TYPE_PREFIX + "busy";

    /** Seconds a caller is asked to wait before sending the same request again. */
    public static final int RETRY_AFTER_SECONDS = 10;

    /**
     * SQLSTATEs of a transaction rolled back because of another one: H2's lock timeout ({@code HYT00}), a
     * serialization failure or H2's deadlock ({@code 40001}), PostgreSQL's deadlock ({@code 40P01}) and its
     * {@code lock_timeout} ({@code 55P03} lock not available).
     */
    private static final List<String> STATES = List.of("HYT00", "40001", "40P01", "55P03");

    private BusyDatabase() {}

    /** Whether {@code failure} or one of its causes is such a rollback. */
    public static boolean is(Throwable failure) {
        return hasSqlState(failure, STATES::contains);
    }

    /** Whether {@code failure} or one of its causes is an {@link SQLException} whose SQLSTATE {@code matches}. */
    public static boolean hasSqlState(Throwable failure, Predicate<String> matches) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && matches.test(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** The answer: 503 with {@code Retry-After} and the problem below. */
    public static Response answer(String instance) {
        return Response.status(503)
                .type(Problem.MEDIA_TYPE)
                .header("Retry-After", RETRY_AFTER_SECONDS)
                .entity(problem(instance))
                .build();
    }

    /** The answer's body. */
    public static Problem problem(String instance) {
        return new Problem(
                TYPE,
                "Busy",
                503,
                "Another change held the data too long; nothing was written. Send the same request again.",
                instance,
                List.of());
    }
}
