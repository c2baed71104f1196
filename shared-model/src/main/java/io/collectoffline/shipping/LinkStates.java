package io.collectoffline.shipping;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import javax.sql.DataSource;

/** The {@code link_state} table, the same on laptops and servers: the one place that reads and writes it. */
public final class LinkStates {

    private static final int TEXT = 2000;

    private final DataSource dataSource;

    public LinkStates(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * A fingerprint of what this node uses to reach a link (its address and token): state kept under other
     * credentials does not apply to these (an operator who fixed a refused token starts afresh).
     */
    public static String credentials(String... parts) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                sha256.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
                sha256.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha256.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * What is known of {@code link} under {@code credentials}; {@link LinkState#FRESH} for a link that never failed
     * or whose state was kept under other credentials.
     */
    public LinkState load(String link, String credentials) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT failures, next_attempt_at, auth_problem, last_error, "
                        + "updated_at FROM link_state WHERE link = ? AND credentials = ?")) {
            ps.setString(1, link);
            ps.setString(2, credentials);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return LinkState.FRESH;
                }
                OffsetDateTime next = rs.getObject(2, OffsetDateTime.class);
                OffsetDateTime failedAt = rs.getInt(1) == 0 ? null : rs.getObject(5, OffsetDateTime.class);
                return new LinkState(
                        rs.getInt(1),
                        next == null ? null : next.toInstant(),
                        rs.getString(3),
                        rs.getString(4),
                        failedAt == null ? null : failedAt.toInstant());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the state of link " + link + " failed", e);
        }
    }

    /** Keeps {@code state} for {@code link} (update, or insert the first time; two writers: the last one wins). */
    public void save(String link, String credentials, LinkState state) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            if (write(
                            c,
                            "UPDATE link_state SET failures = ?, next_attempt_at = ?, auth_problem = ?, last_error = "
                                    + "?, "
                                    + "updated_at = ?, credentials = ? WHERE link = ?",
                            link,
                            credentials,
                            state)
                    == 0) {
                try {
                    write(
                            c,
                            "INSERT INTO link_state (failures, next_attempt_at, auth_problem, last_error, updated_at, "
                                    + "credentials, link) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            link,
                            credentials,
                            state);
                } catch (SQLException raced) {
                    // another instance inserted the row between our UPDATE and INSERT: update it
                    write(
                            c,
                            "UPDATE link_state SET failures = ?, next_attempt_at = ?, auth_problem = ?, "
                                    + "last_error = ?, updated_at = ?, credentials = ? WHERE link = ?",
                            link,
                            credentials,
                            state);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("saving the state of link " + link + " failed", e);
        }
    }

    private static int write(Connection c, String sql, String link, String credentials, LinkState state)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, state.failures());
            ps.setObject(2, utc(state.nextAttemptAt()));
            ps.setString(3, truncate(state.authProblem()));
            ps.setString(4, truncate(state.lastError()));
            ps.setObject(5, utc(state.failedAt() != null ? state.failedAt() : Instant.now()));
            ps.setString(6, credentials);
            ps.setString(7, link);
            return ps.executeUpdate();
        }
    }

    private static OffsetDateTime utc(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }

    private static String truncate(String text) {
        return text == null || text.length() <= TEXT ? text : text.substring(0, TEXT);
    }
}
