package io.collectoffline.server.files;

import io.collectoffline.protocol.ServerStatus;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.forward.ForwardService;
import io.collectoffline.server.store.ForwardQueue;
import io.collectoffline.shipping.LinkState;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What an admin sees of forwarding and files: exports and their receipts, imports, quarantine, gaps. */
@ApplicationScoped
public class FilesOverview {

    private final ActiveDatabase database;
    private final io.collectoffline.server.config.ServerConfig config;
    private final ForwardQueue queue;
    private final ExportService exports;
    private final ImportService imports;

    private final ForwardService forward;

    FilesOverview(
            ActiveDatabase database,
            ForwardQueue queue,
            ExportService exports,
            ImportService imports,
            io.collectoffline.server.config.ServerConfig config,
            ForwardService forward) {
        this.forward = forward;
        this.config = config;
        this.database = database;
        this.queue = queue;
        this.exports = exports;
        this.imports = imports;
    }

    /** The status's transfer part. */
    public ServerStatus.Transfer transfer() {
        String progress = exports.progress() != null ? exports.progress() : imports.progress();
        try (Connection c = database.dataSource().getConnection()) {
            // a server that sends nothing upstream has no backlog: counting its whole store as one was an alert that
            // always fired, and a scan of every stored row on each status call
            boolean forwards = config.upstream().url().isPresent()
                    || !"off".equals(config.files().exportInterval())
                    || count(c, "SELECT COUNT(*) FROM (SELECT 1 FROM export_batch LIMIT 1) e") > 0;
            long[] backlog = forwards ? queue.backlog() : new long[] {0, 0};
            return new ServerStatus.Transfer(
                    forwards ? backlog[0] : null,
                    backlog[1],
                    count(c, "SELECT COUNT(*) FROM export_batch WHERE receipt_at IS NULL"),
                    missingPrevious(c),
                    count(c, "SELECT COUNT(*) FROM quarantined_file"),
                    progress,
                    upstream());
        } catch (SQLException e) {
            throw new IllegalStateException("reading the transfer status failed", e);
        }
    }

    private ServerStatus.Link upstream() {
        if (config.upstream().url().isEmpty()) {
            return null;
        }
        LinkState state = forward.state();
        return new ServerStatus.Link(state.failures(), state.nextAttemptAt(), state.authProblem(), state.lastError());
    }

    /** Everything, for {@code GET /api/v1/files}. */
    public Map<String, Object> all() {
        Map<String, Object> all = new LinkedHashMap<>();
        try (Connection c = database.dataSource().getConnection()) {
            all.put("transfer", transfer());
            all.put(
                    "exports",
                    rows(
                            c,
                            "SELECT batch_id, previous_batch_id, file_name, transactions, created, "
                                    + "receipt_at, receipt_rejected FROM export_batch ORDER BY created DESC LIMIT "
                                    + "200"));
            all.put(
                    "imports",
                    rows(
                            c,
                            "SELECT batch_id, exporter, previous_batch_id, file_name, transactions, "
                                    + "accepted, duplicate, rejected, imported_at, reimports, last_reimported_at FROM "
                                    + "import_batch "
                                    + "ORDER BY imported_at DESC LIMIT 200"));
            all.put(
                    "quarantined",
                    rows(
                            c,
                            "SELECT file_name, reason, quarantined_at FROM quarantined_file "
                                    + "ORDER BY id DESC LIMIT 200"));
            // the lists show the newest 200; the totals say how many there are in all
            Map<String, Long> totals = new LinkedHashMap<>();
            totals.put("exports", count(c, "SELECT COUNT(*) FROM export_batch"));
            totals.put("imports", count(c, "SELECT COUNT(*) FROM import_batch"));
            totals.put("quarantined", count(c, "SELECT COUNT(*) FROM quarantined_file"));
            all.put("totals", totals);
        } catch (SQLException e) {
            throw new IllegalStateException("reading the files overview failed", e);
        }
        return all;
    }

    private static List<UUID> missingPrevious(Connection c) throws SQLException {
        List<UUID> missing = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT i.previous_batch_id FROM import_batch i "
                        + "WHERE i.previous_batch_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM import_batch j "
                        + "WHERE j.batch_id = i.previous_batch_id) LIMIT 100");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                missing.add(rs.getObject(1, UUID.class));
            }
        }
        return missing;
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Map<String, Object>> rows(Connection c, String sql) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            var meta = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    Object value = rs.getObject(i);
                    if (value instanceof java.sql.Timestamp || value instanceof OffsetDateTime) {
                        value = io.collectoffline.protocol.Rfc3339.format(rs.getObject(i, OffsetDateTime.class));
                    }
                    row.put(
                            meta.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT),
                            value == null
                                    ? null
                                    : value instanceof Number || value instanceof Boolean ? value : value.toString());
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
