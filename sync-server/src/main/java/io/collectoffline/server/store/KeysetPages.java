package io.collectoffline.server.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads a whole ordered list of names page by page, so that no listing of work is silently cut at a page size. */
public final class KeysetPages {

    private KeysetPages() {}

    /**
     * Every value {@code query} lists: it takes the last value read so far as its first parameter ({@code ""} at
     * first), answers values greater than it in order, at most {@code page} of them.
     */
    public static List<String> readAll(PreparedStatement query, int page) throws SQLException {
        List<String> values = new ArrayList<>();
        while (true) {
            List<String> read = readAfter(query, values.isEmpty() ? "" : values.get(values.size() - 1));
            values.addAll(read);
            if (read.size() < page) {
                return values;
            }
        }
    }

    /** One page of what {@code query} lists: the values after {@code after}, as the query bounds them. */
    public static List<String> readAfter(PreparedStatement query, String after) throws SQLException {
        query.setString(1, after);
        List<String> values = new ArrayList<>();
        try (ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
