package io.collectoffline.offline;

import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An offline model's table as a node's database holds it: its columns in order and their types, and the SQL the
 * node writes received records with (a server applying what devices send, a laptop applying its down-sync).
 *
 * @param model       the model
 * @param columnNames column names in table order (the parameter order of {@code upsert} and {@code select})
 * @param types       column name to type
 * @param upsert      INSERT-or-UPDATE by id of every column
 * @param delete      DELETE by id
 * @param select      SELECT of every column by id
 */
public record TableSchema(
        ModelDescriptor model,
        List<String> columnNames,
        Map<String, ColumnType> types,
        String upsert,
        String delete,
        String select) {

    /**
     * Reads {@code model}'s table from the database's metadata and checks it against the model: every persistent
     * field must be a column and every column a field (a payload fills the whole row). Adds each mismatch to
     * {@code problems}; empty when the table does not exist (the natural key check reports that).
     */
    public static Optional<TableSchema> read(
            DatabaseMetaData metadata, ModelDescriptor model, boolean postgresql, List<String> problems)
            throws SQLException {
        List<String> names = new ArrayList<>();
        Map<String, ColumnType> types = new LinkedHashMap<>();
        for (String table : List.of(model.table(), model.table().toUpperCase(Locale.ROOT))) {
            try (ResultSet rs = metadata.getColumns(null, null, table, null)) {
                while (rs.next()) {
                    String column = rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT);
                    try {
                        types.put(column, ColumnType.of(rs.getInt("DATA_TYPE"), rs.getString("TYPE_NAME")));
                        names.add(column);
                    } catch (IllegalArgumentException e) {
                        problems.add("offline model " + model.name() + ": column " + column + ": " + e.getMessage());
                    }
                }
            }
            if (!names.isEmpty()) {
                break;
            }
        }
        if (names.isEmpty()) {
            return Optional.empty();
        }
        Set<String> fields = new HashSet<>(model.columns().values());
        for (String field : fields) {
            if (!types.containsKey(field)) {
                problems.add("offline model " + model.name() + ": table " + model.table() + " has no column " + field);
            }
        }
        for (String column : names) {
            if (!fields.contains(column)) {
                problems.add("offline model " + model.name() + ": column " + model.table() + "." + column
                        + " is not a field of " + model.entityClass().getName());
            }
        }
        return Optional.of(TableSchema.of(model, names, types, postgresql));
    }

    static TableSchema of(
            ModelDescriptor model, List<String> columnNames, Map<String, ColumnType> types, boolean postgresql) {
        String list = String.join(", ", columnNames);
        String params = String.join(", ", columnNames.stream().map(c -> "?").toList());
        String upsert;
        if (postgresql) {
            String updates = String.join(
                    ", ",
                    columnNames.stream()
                            .filter(c -> !c.equals("id"))
                            .map(c -> c + " = EXCLUDED." + c)
                            .toList());
            upsert = "INSERT INTO " + model.table() + " (" + list + ") VALUES (" + params + ") ON CONFLICT (id) "
                    + "DO UPDATE SET " + updates;
        } else {
            upsert = "MERGE INTO " + model.table() + " (" + list + ") KEY (id) VALUES (" + params + ")";
        }
        return new TableSchema(
                model,
                List.copyOf(columnNames),
                Map.copyOf(types),
                upsert,
                "DELETE FROM " + model.table() + " WHERE id = ?",
                "SELECT " + list + " FROM " + model.table() + " WHERE id = ?");
    }
}
