package io.collectoffline.shipping;

import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a node knows about one of its links between passes, kept in its database so that a restart neither forgets
 * refused credentials nor resets the backoff (a laptop rebooted every morning must not hammer a failing server).
 *
 * @param failures      failed passes in a row
 * @param nextAttemptAt when the schedule may try again; null when it may try now
 * @param authProblem   why the next hop refused this node's credentials; while set, the schedule does not try
 *                      (an operator's own request still does, and its success clears it)
 * @param lastError     what the last failed pass met; null after a success
 * @param failedAt      when the last failed pass ended (the wait counts from it); null after a success
 */
public record LinkState(int failures, Instant nextAttemptAt, String authProblem, String lastError, Instant failedAt) {

    /** A link that has not failed. */
    public static final LinkState FRESH = new LinkState(0, null, null, null, null);

    /**
     * Whether the schedule should try the link at {@code now}: the wait is over — or it was counted from a clock that
     * has been set back since ({@link ClockSetBack}), which would otherwise keep the link waiting for as long as the
     * clock had been wrong.
     */
    public boolean due(Instant now) {
        return authProblem == null
                && (nextAttemptAt == null || !now.isBefore(nextAttemptAt) || ClockSetBack.since(failedAt, now));
    }

    /** The state after a pass that ended as {@code report} says. */
    public LinkState after(ShipReport report, Backoff backoff, Instant now) {
        if (report.failure() == null) {
            return FRESH;
        }
        int failed = failures + 1;
        Instant next = now.plus(
                backoff.after(failed, bound -> ThreadLocalRandom.current().nextLong(bound)));
        String error = report.failure().getMessage();
        return new LinkState(
                failed, next, report.failure().kind() == LinkFailure.Kind.AUTH_REFUSED ? error : null, error, now);
    }
}
