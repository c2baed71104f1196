package io.collectoffline.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** A producer's stored watermark: the highest seq such that every seq from 1 to it is stored. */
public final class StoredWatermarks {

    private static final int PAGE = 10_000;

    private StoredWatermarks() {}

    /** The watermark reached from {@code watermark} over the seqs stored right after it, read in pages. */
    public static long contiguousFrom(Connection connection, String producer, long watermark) throws SQLException {
        while (true) {
            int read = 0;
            try (PreparedStatement ps = connection.prepareStatement("SELECT seq FROM incoming_transaction "
                    + "WHERE producer = ? AND seq > ? ORDER BY seq LIMIT " + PAGE)) {
                ps.setString(1, producer);
                ps.setLong(2, watermark);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        read++;
                        if (rs.getLong(1) != watermark + 1) {
                            return watermark;
                        }
                        watermark++;
                    }
                }
            }
            if (read < PAGE) {
                return watermark;
            }
        }
    }
}
