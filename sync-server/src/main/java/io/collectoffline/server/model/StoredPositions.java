package io.collectoffline.server.model;

import io.collectoffline.protocol.StreamPosition;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Reads a stored transaction's first numbering ({@code reissued_from_producer}, {@code reissued_from_seq}). */
public final class StoredPositions {

    private StoredPositions() {}

    /** The position in columns {@code column} (producer) and {@code column + 1} (seq); null when not re-issued. */
    public static StreamPosition reissuedFrom(ResultSet rs, int column) throws SQLException {
        String producer = rs.getString(column);
        return producer == null ? null : new StreamPosition(producer, rs.getLong(column + 1));
    }
}
