package io.collectoffline.server.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.offline.ModelDescriptor;
import io.collectoffline.offline.RecordSnapshot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The records an admin merged into others (a natural-key clash settled keep-existing): table {@code record_alias},
 * which only this class reads and writes. A transaction that names a merged record — the record's own later change,
 * or a dependant's foreign key — is applied to the record kept, and devices receive it so.
 */
public final class RecordAliases {

    private RecordAliases() {}

    /** Records that {@code from} was merged into {@code to}, by {@code by}, settling transaction {@code txId}. */
    static void add(Connection connection, UUID from, String model, UUID to, UUID txId, String by) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO record_alias (from_id, model, to_id, "
                + "resolved_tx_id, resolved_by, resolved_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, from);
            ps.setString(2, model);
            ps.setObject(3, to);
            ps.setObject(4, txId);
            ps.setString(5, by);
            ps.setObject(6, OffsetDateTime.now(ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }

    /** The records among {@code ids} merged into another: merged record → record kept. Empty for most. */
    public static Map<UUID, UUID> of(Connection connection, Collection<UUID> ids) throws SQLException {
        if (ids.isEmpty()) {
            return new HashMap<>();
        }
        try (PreparedStatement ps =
                connection.prepareStatement("SELECT from_id, to_id FROM record_alias WHERE from_id = ANY (?)")) {
            ps.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
            return read(ps);
        }
    }

    /** Every merged record → the record kept (few: one per clash an admin settled keep-existing). */
    public static Map<UUID, UUID> all(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT from_id, to_id FROM record_alias")) {
            return read(ps);
        }
    }

    /** Merged record → record kept, as {@code ps} selects them ({@code from_id, to_id}). */
    private static Map<UUID, UUID> read(PreparedStatement ps) throws SQLException {
        Map<UUID, UUID> alias = new HashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                alias.put(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class));
            }
        }
        return alias;
    }

    /** The record ids {@code snapshot} names: its own and its foreign keys' (what {@link #translate} may change). */
    public static Set<UUID> named(RecordSnapshot snapshot, ModelDescriptor model) {
        Set<UUID> ids = new HashSet<>();
        for (String column : idColumns(model)) {
            UUID id = uuidOrNull(snapshot.fields().get(column));
            if (id != null) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** {@code snapshot} with its id and foreign keys that name a merged record naming the record kept instead. */
    public static RecordSnapshot translate(RecordSnapshot snapshot, ModelDescriptor model, Map<UUID, UUID> alias) {
        if (alias.isEmpty()) {
            return snapshot;
        }
        ObjectNode fields = null;
        for (String column : idColumns(model)) {
            UUID to = alias.get(uuidOrNull(snapshot.fields().get(column)));
            if (to != null) {
                fields = fields == null ? snapshot.fields().deepCopy() : fields;
                fields.put(column, to.toString());
            }
        }
        return fields == null
                ? snapshot
                : new RecordSnapshot(
                        snapshot.model(), snapshot.schemaVersion(), fields, snapshot.rev(), snapshot.baseTxId());
    }

    private static List<String> idColumns(ModelDescriptor model) {
        List<String> columns = new ArrayList<>();
        columns.add("id");
        if (model != null) {
            for (String field : model.references().keySet()) {
                columns.add(model.columns().get(field));
            }
        }
        return columns;
    }

    private static UUID uuidOrNull(JsonNode value) {
        if (value == null || !value.isTextual()) {
            return null;
        }
        try {
            return UUID.fromString(value.asText());
        } catch (IllegalArgumentException e) {
            return null; // refused when bound
        }
    }
}
