package io.collectoffline.server.apply;

import java.util.UUID;

/**
 * Which of two versions of a record wins when they were made without either seeing the other (ADR 8): the one
 * with the higher revision (the longer line of edits; revisions as the server derives them from the lineage it
 * holds, never as a device states them — {@link RecordHeads#plan}), and between equal revisions the one whose
 * transaction id is greater. Arbitrary between equals, but the same whatever order the transactions arrive in and
 * on every server, so that site and central servers end with the same record. The loser is kept in the history and
 * listed as a conflict for an admin.
 */
public final class ConflictRule {

    /** The rule in words, for the conflict records and the docs. */
    public static final String RULE = "higher revision wins; between equal revisions the greater transaction id";

    private ConflictRule() {}

    /** One version of a record: the transaction that wrote it, its revision and the device where it was made. */
    public record Version(UUID txId, long rev, String producer) {}

    /** True when {@code a} wins over {@code b}. */
    public static boolean wins(Version a, Version b) {
        if (a.rev() != b.rev()) {
            return a.rev() > b.rev();
        }
        return a.txId().toString().compareTo(b.txId().toString()) > 0;
    }
}
