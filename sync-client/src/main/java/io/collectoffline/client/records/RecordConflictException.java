package io.collectoffline.client.records;

/**
 * The change conflicts with what is stored: the natural key belongs to another record, the edit was made on a
 * stale version, the id is taken, or other records still refer to the one being deleted. Nothing was changed.
 */
public class RecordConflictException extends RuntimeException {

    /** Which kind of conflict, mapped to a problem type URI. */
    public enum Kind {
        NATURAL_KEY,
        STALE_VERSION,
        ID_TAKEN,
        REFERENCED
    }

    private final Kind kind;

    public RecordConflictException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
