package io.collectoffline.offline;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks against the live database that every offline model's natural key is unique there.
 *
 * <p>A natural key that the database does not enforce would let two records claim the same business identity
 * (the same subject enrolled twice on one laptop), which the server could then not tell apart. The check reads the
 * JDBC metadata, so it sees what the migrations really created rather than what the annotations say.
 */
public final class NaturalKeyIndexCheck {

    private NaturalKeyIndexCheck() {}

    /**
     * @return one sentence per model whose table is missing or whose natural key has no unique index or constraint
     */
    public static List<String> problems(Connection connection, List<ModelDescriptor> models) throws SQLException {
        DatabaseMetaData metadata = connection.getMetaData();
        List<String> problems = new ArrayList<>();
        for (ModelDescriptor model : models) {
            String table = actualTableName(metadata, model.table());
            if (table == null) {
                problems.add("offline model " + model.name() + ": table '" + model.table() + "' does not exist");
                continue;
            }
            Set<String> key = new HashSet<>(model.naturalKeyColumns());
            if (!uniqueColumnSets(metadata, table).contains(key)) {
                problems.add("offline model " + model.name() + ": natural key ("
                        + String.join(", ", model.naturalKeyColumns()) + ") is not unique in the database; add UNIQUE ("
                        + String.join(", ", model.naturalKeyColumns()) + ") to table " + model.table());
            }
        }
        return problems;
    }

    /** Databases fold unquoted names differently (H2 upper, PostgreSQL lower); find the spelling that exists. */
    private static String actualTableName(DatabaseMetaData metadata, String table) throws SQLException {
        for (String candidate : List.of(table, table.toUpperCase(Locale.ROOT), table.toLowerCase(Locale.ROOT))) {
            try (ResultSet rs = metadata.getTables(null, null, candidate, new String[] {"TABLE", "BASE TABLE"})) {
                if (rs.next()) {
                    return rs.getString("TABLE_NAME");
                }
            }
        }
        return null;
    }

    private static Set<Set<String>> uniqueColumnSets(DatabaseMetaData metadata, String table) throws SQLException {
        Map<String, Set<String>> indexes = new LinkedHashMap<>();
        try (ResultSet rs = metadata.getIndexInfo(null, null, table, true, false)) {
            while (rs.next()) {
                String index = rs.getString("INDEX_NAME");
                String column = rs.getString("COLUMN_NAME");
                if (index != null && column != null && !rs.getBoolean("NON_UNIQUE")) {
                    indexes.computeIfAbsent(index, k -> new HashSet<>()).add(column.toLowerCase(Locale.ROOT));
                }
            }
        }
        return new HashSet<>(indexes.values());
    }
}
