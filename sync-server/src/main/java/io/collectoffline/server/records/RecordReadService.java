package io.collectoffline.server.records;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.offline.TableSchema;
import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.Paging;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.model.PayloadOpener;
import io.collectoffline.server.model.ServerModels;
import io.collectoffline.server.model.StoredPositions;
import io.collectoffline.server.store.TxStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reads applied records and their history for admins and integrators. */
@ApplicationScoped
public class RecordReadService {

    private final ActiveDatabase database;
    private final ServerModels models;
    private final PayloadOpener opener;

    RecordReadService(ActiveDatabase database, ServerModels models, PayloadOpener opener) {
        this.database = database;
        this.models = models;
        this.opener = opener;
    }

    /** The record's current columns. */
    public ObjectNode get(String model, UUID id) {
        TableSchema table = models.table(model);
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement ps = connection.prepareStatement(table.select())) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new RecordNotFoundException(model, id);
                }
                ObjectNode record = JsonNodeFactory.instance.objectNode();
                for (int i = 0; i < table.columnNames().size(); i++) {
                    String column = table.columnNames().get(i);
                    record.set(column, table.types().get(column).read(rs, i + 1));
                }
                return record;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading " + model + " " + id + " failed", e);
        }
    }

    /** A page of a model's records, by creation time then id (as the export), and how many there are. */
    public record Listing(long total, List<ObjectNode> records) {}

    /** The model's records from {@code offset}, at most {@code limit}, by creation time then id. */
    public Listing list(String model, @Paging.Offset long offset, @Paging.Limit int limit) {
        TableSchema table = models.table(model);
        List<ObjectNode> page = new ArrayList<>();
        long total;
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement count = connection.prepareStatement(
                        "SELECT COUNT(*) FROM " + table.model().table());
                PreparedStatement ps = connection.prepareStatement("SELECT " + String.join(", ", table.columnNames())
                        + " FROM " + table.model().table() + " ORDER BY created, id LIMIT ? OFFSET ?")) {
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                total = rs.getLong(1);
            }
            ps.setInt(1, limit);
            ps.setLong(2, offset);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ObjectNode record = JsonNodeFactory.instance.objectNode();
                    for (int i = 0; i < table.columnNames().size(); i++) {
                        String column = table.columnNames().get(i);
                        record.set(column, table.types().get(column).read(rs, i + 1));
                    }
                    page.add(record);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("listing " + model + " failed", e);
        }
        return new Listing(total, page);
    }

    /**
     * What a stored transaction holds, opened: its envelope, its state and its fields (for an admin deciding about a
     * transaction that is held back); when the payload cannot be opened here, why instead of the fields.
     */
    public ObjectNode content(UUID txId) {
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement ps = connection.prepareStatement("SELECT tx_id, producer, seq, model, record_id, "
                        + "action, key_id, payload, status, status_reason, reissued_from_producer, reissued_from_seq, "
                        + "site FROM incoming_transaction WHERE tx_id = ?")) {
            ps.setObject(1, txId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new io.collectoffline.server.apply.TransactionNotFoundException(txId);
                }
                TransactionEnvelope envelope = new TransactionEnvelope(
                        txId,
                        rs.getString(2),
                        rs.getLong(3),
                        rs.getString(4),
                        rs.getObject(5, UUID.class),
                        Action.valueOf(rs.getString(6)),
                        null,
                        rs.getString(7),
                        rs.getBytes(8),
                        null,
                        StoredPositions.reissuedFrom(rs, 11));
                ObjectNode content = JsonNodeFactory.instance.objectNode();
                content.put("txId", txId.toString());
                content.put("producer", envelope.producer());
                content.put("seq", envelope.seq());
                content.put("model", envelope.model());
                content.put(
                        "recordId",
                        envelope.recordId() == null ? null : envelope.recordId().toString());
                content.put("action", envelope.action().name());
                content.put("status", rs.getString(9));
                content.put("statusReason", rs.getString(10));
                content.put("site", rs.getString(13));
                try {
                    var snapshot = opener.open(envelope);
                    content.put("schemaVersion", snapshot.schemaVersion());
                    content.set("fields", snapshot.fields());
                } catch (RuntimeException e) {
                    content.put("unreadable", e.getMessage());
                }
                return content;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading transaction " + txId + " failed", e);
        }
    }

    private static OffsetDateTime timestamp(String value) {
        try {
            return value == null ? null : OffsetDateTime.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /**
     * The record's applied changes in apply order from {@code offset}, at most {@code limit} (the caller asks for
     * one more than it shows, to say whether more follow); also answers for a record deleted since.
     */
    public List<RecordChange> history(String model, UUID id, @Paging.Offset long offset, int limit) {
        models.table(model);
        List<RecordChange> history = new ArrayList<>();
        Map<UUID, String> conflicts = new HashMap<>();
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement conflict = connection.prepareStatement("SELECT winner_tx_id, loser_tx_id FROM "
                        + "record_conflict WHERE model = ? AND record_id = ? ORDER BY id");
                PreparedStatement ps = connection.prepareStatement("SELECT tx_id, producer, seq, action, applied_at, "
                        + "key_id, payload, site, reissued_from_producer, reissued_from_seq FROM incoming_transaction "
                        + "WHERE model = ? AND record_id = ? AND status = '" + TxStatus.APPLIED + "' "
                        + "ORDER BY applied_at, producer, seq LIMIT ? OFFSET ?")) {
            conflict.setString(1, model);
            conflict.setObject(2, id);
            try (ResultSet rs = conflict.executeQuery()) {
                while (rs.next()) {
                    UUID winner = rs.getObject(1, UUID.class);
                    UUID loser = rs.getObject(2, UUID.class);
                    conflicts.merge(winner, "kept over " + loser, (a, b) -> a + "; " + b);
                    conflicts.merge(loser, "overruled by " + winner, (a, b) -> a + "; " + b);
                }
            }
            ps.setString(1, model);
            ps.setObject(2, id);
            ps.setInt(3, limit);
            ps.setLong(4, offset);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID txId = rs.getObject(1, UUID.class);
                    TransactionEnvelope envelope = new TransactionEnvelope(
                            txId,
                            rs.getString(2),
                            rs.getLong(3),
                            model,
                            id,
                            Action.valueOf(rs.getString(4)),
                            null,
                            rs.getString(6),
                            rs.getBytes(7),
                            null,
                            StoredPositions.reissuedFrom(rs, 9));
                    var fields = opener.open(envelope).fields();
                    history.add(new RecordChange(
                            txId,
                            envelope.producer(),
                            envelope.seq(),
                            rs.getString(4),
                            fields.path("user_modified").asText(null),
                            timestamp(fields.path("modified").asText(null)),
                            fields.path("device_modified").asText(null),
                            rs.getObject(5, OffsetDateTime.class),
                            fields,
                            conflicts.get(txId),
                            rs.getString(8)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the history of " + model + " " + id + " failed", e);
        }
        if (history.isEmpty() && offset == 0) {
            get(model, id); // 404 unless the record exists without applied history
        }
        return history;
    }
}
