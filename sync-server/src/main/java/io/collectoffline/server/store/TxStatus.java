package io.collectoffline.server.store;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Where a stored transaction stands on its way to the study tables (column {@code incoming_transaction.status}). */
public enum TxStatus {
    /** Stored, waiting for its turn in its producer's seq order. */
    RECEIVED,
    /** Written to the study tables (or lost a conflicting edit, which writes nothing: ADR 8). */
    APPLIED,
    /** Waits for a record it refers to, or for a server upgrade; retried on every apply cycle. */
    DEFERRED,
    /** The database refused it; waits for an admin's retry or skip. */
    ERROR,
    /** Its natural key belongs to another record; waits for an admin's resolution. */
    CONFLICT,
    /** Never applied, by an admin's audited decision; its producer's later transactions went on. */
    SKIPPED;

    /** Holds its producer back until an admin acts (retry, skip, resolve). */
    public boolean waitsForAdmin() {
        return this == ERROR || this == CONFLICT;
    }

    /** Done with: applied or skipped; nothing changes it any more. */
    public boolean settled() {
        return this == APPLIED || this == SKIPPED;
    }

    /** An admin may put it back in line. */
    public boolean retryable() {
        return this == DEFERRED || this == ERROR || this == CONFLICT;
    }

    /** The status of a stored row, or null for a value that is none of these (a query parameter, say). */
    public static TxStatus parse(String value) {
        for (TxStatus status : values()) {
            if (status.name().equals(value)) {
                return status;
            }
        }
        return null;
    }

    /** {@code 'ERROR', 'CONFLICT'}: the statuses as an SQL list, for {@code IN (…)}. */
    public static String sqlList(TxStatus... statuses) {
        return Arrays.stream(statuses).map(s -> "'" + s.name() + "'").collect(Collectors.joining(", "));
    }
}
