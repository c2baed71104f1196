package io.collectoffline.server.model;

import io.collectoffline.offline.ModelDescriptor;
import java.util.List;
import java.util.Map;

/**
 * An offline model's table as the server's database holds it: its columns in order and their types, and the SQL
 * the server applies with.
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
