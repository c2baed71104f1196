package io.collectoffline.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PostgreSQL's cumulative counters at one moment: WAL written (records, full-page images, bytes), checkpoints and the
 * buffers they wrote, and block reads (not found in shared buffers) vs hits per table and index. The difference of
 * two snapshots is the database's work between them — the profile behind a rate.
 */
final class DbProfile {

    /** Backends publish their counters when idle for up to 10 s (PostgreSQL 15); wait that long before reading. */
    private static final long FLUSH_WAIT_MS = 11_000;

    private final Map<String, Long> counters;

    private DbProfile(Map<String, Long> counters) {
        this.counters = counters;
    }

    static DbProfile take(String jdbc, String user) throws Exception {
        Thread.sleep(FLUSH_WAIT_MS);
        Map<String, Long> counters = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(jdbc, user, "");
                Statement s = c.createStatement()) {
            read(
                    s,
                    "SELECT 'WAL records' k, wal_records v FROM pg_stat_wal UNION ALL "
                            + "SELECT 'WAL full-page images', wal_fpi FROM pg_stat_wal UNION ALL "
                            + "SELECT 'WAL kB', (wal_bytes / 1024)::bigint FROM pg_stat_wal UNION ALL "
                            + "SELECT 'checkpoints', checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter UNION "
                            + "ALL "
                            + "SELECT 'buffers written by checkpoints', buffers_checkpoint FROM pg_stat_bgwriter "
                            + "UNION ALL "
                            + "SELECT 'buffers written by backends', buffers_backend FROM pg_stat_bgwriter UNION ALL "
                            + "SELECT 'table blocks read', COALESCE(SUM(heap_blks_read), 0) FROM pg_statio_user_tables "
                            + "UNION ALL SELECT 'table blocks hit', COALESCE(SUM(heap_blks_hit), 0) FROM "
                            + "pg_statio_user_tables "
                            + "UNION ALL SELECT 'index blocks read', COALESCE(SUM(idx_blks_read), 0) "
                            + "FROM pg_statio_user_tables "
                            + "UNION ALL SELECT 'index blocks hit', COALESCE(SUM(idx_blks_hit), 0) FROM "
                            + "pg_statio_user_tables",
                    counters);
            read(
                    s,
                    "SELECT 'index blocks read: ' || indexrelname, idx_blks_read FROM pg_statio_user_indexes "
                            + "WHERE relname IN ('incoming_transaction', 'household')",
                    counters);
            read(
                    s,
                    "SELECT 'size MB: ' || relname, (pg_relation_size(relid) / 1048576)::bigint "
                            + "FROM pg_statio_user_tables WHERE relname IN ('incoming_transaction', 'household') "
                            + "UNION ALL "
                            + "SELECT 'size MB: ' || indexrelname, (pg_relation_size(indexrelid) / 1048576)::bigint "
                            + "FROM pg_statio_user_indexes WHERE relname IN ('incoming_transaction', 'household')",
                    counters);
        }
        return new DbProfile(counters);
    }

    private static void read(Statement s, String sql, Map<String, Long> into) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                into.put(rs.getString(1), rs.getLong(2));
            }
        }
    }

    /** Counters' growth since {@code earlier}; sizes stay as they are now. */
    DbProfile minus(DbProfile earlier) {
        Map<String, Long> diff = new LinkedHashMap<>();
        counters.forEach((k, v) -> diff.put(k, k.startsWith("size MB") ? v : v - earlier.counters.getOrDefault(k, 0L)));
        return new DbProfile(diff);
    }

    /** This growth added to {@code other}'s (null: none yet); sizes stay this one's. */
    DbProfile plus(DbProfile other) {
        if (other == null) {
            return this;
        }
        Map<String, Long> sum = new LinkedHashMap<>(other.counters);
        counters.forEach((k, v) -> sum.merge(k, v, k.startsWith("size MB") ? (a, b) -> b : Long::sum));
        return new DbProfile(sum);
    }

    static void print(String title, int n, String firstName, DbProfile first, String secondName, DbProfile second) {
        System.out.println();
        System.out.println(title);
        System.out.println("| counter | " + firstName + " | " + secondName + " | ratio |");
        System.out.println("|---|---:|---:|---:|");
        List<String> keys = new ArrayList<>(first.counters.keySet());
        second.counters.keySet().stream().filter(k -> !keys.contains(k)).forEach(keys::add);
        for (String k : keys) {
            long a = first.counters.getOrDefault(k, 0L);
            long b = second.counters.getOrDefault(k, 0L);
            boolean size = k.startsWith("size MB");
            double fa = size ? a : a * 1000.0 / n;
            double fb = size ? b : b * 1000.0 / n;
            if (a == 0 && b == 0) {
                continue;
            }
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %.1f | %.1f | %s |%n",
                    k,
                    fa,
                    fb,
                    fa == 0 ? "–" : String.format(Locale.ROOT, "%.2f", fb / fa));
        }
    }
}
