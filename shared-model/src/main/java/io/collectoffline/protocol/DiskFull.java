package io.collectoffline.protocol;

import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * A write that failed because the disk holding the database is full. The database rolled the request's transaction
 * back, so nothing of it was written, and what was saved before stays; once space is freed the same app takes writes
 * again without a restart (the embedded H2 stops writing after the failed write, so the apps close their pooled
 * connections when they answer this, and the next connection opens the file again). Both apps answer it
 * {@code 507 Insufficient Storage} with what to do, instead of a 500 that says nothing; a pushing laptop or forwarding
 * site backs off as for any 5xx and sends again later.
 */
public final class DiskFull {

    /** Type URI of the answer. */
    public static final String TYPE = Problem.TYPE_PREFIX + "disk-full";

    /** PostgreSQL's {@code disk_full}. */
    private static final String DISK_FULL_STATE = "53100";

    /**
     * What the operating system says of a write to a full disk, as the JDK passes it on: ENOSPC on Linux and macOS,
     * ERROR_DISK_FULL on Windows.
     */
    private static final List<String> MESSAGES =
            List.of("No space left on device", "There is not enough space on the disk");

    /** The most exceptions looked at (causes and suppressed ones). */
    private static final int MAX_LOOKED_AT = 64;

    private DiskFull() {}

    /**
     * Whether {@code failure}, one of its causes or an exception suppressed or chained along the way says that the disk
     * is full (a failed commit comes as the transaction manager's RollbackException with the database's exception
     * suppressed in it, not as its cause; a failed JDBC batch holds it as its next exception).
     */
    public static boolean is(Throwable failure) {
        Deque<Throwable> next = new ArrayDeque<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        if (failure != null) {
            next.add(failure);
        }
        while (!next.isEmpty() && seen.size() < MAX_LOOKED_AT) {
            Throwable t = next.poll();
            if (!seen.add(t)) {
                continue;
            }
            if (t instanceof SQLException sql && DISK_FULL_STATE.equals(sql.getSQLState())) {
                return true;
            }
            if (t instanceof IOException && t.getMessage() != null) {
                String message = t.getMessage();
                if (MESSAGES.stream().anyMatch(message::contains)) {
                    return true;
                }
            }
            if (t.getCause() != null) {
                next.add(t.getCause());
            }
            if (t instanceof SQLException sql && sql.getNextException() != null) {
                next.add(sql.getNextException()); // a JDBC batch's failure holds the statement's this way
            }
            next.addAll(List.of(t.getSuppressed()));
        }
        return false;
    }

    /** The answer: 507 and the problem below. */
    public static Response answer(String instance) {
        return Response.status(507)
                .type(Problem.MEDIA_TYPE)
                .entity(problem(instance))
                .build();
    }

    /** The answer's body. */
    public static Problem problem(String instance) {
        return new Problem(
                TYPE,
                "Disk full",
                507,
                "The disk that holds this app's database is full: nothing of this request was saved, and everything "
                        + "saved before is kept. Free space on that disk, then send the same request again; no "
                        + "restart is needed.",
                instance,
                List.of());
    }
}
