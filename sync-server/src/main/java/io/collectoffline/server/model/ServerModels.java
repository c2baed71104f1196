package io.collectoffline.server.model;

import io.collectoffline.offline.InvalidOfflineModelException;
import io.collectoffline.offline.ModelDescriptor;
import io.collectoffline.offline.NaturalKeyIndexCheck;
import io.collectoffline.offline.OfflineModelRegistry;
import io.collectoffline.offline.OfflineModelSet;
import io.collectoffline.offline.UnknownModelException;
import io.collectoffline.offline.Upcasters;
import io.collectoffline.server.config.ActiveDatabase;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
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
import java.util.Optional;
import java.util.Set;

/**
 * The offline models this server applies, each with its table as the database holds it.
 *
 * <p>Built at start-up from the published model sets ({@link OfflineModelSet}) and checked against the database:
 * every persistent field of a model must be a column of its table, every column must be a field (a payload must
 * fill the whole row), and the natural key must be unique. Any mismatch stops start-up naming the model.
 */
@Startup
@ApplicationScoped
public class ServerModels {

    private final OfflineModelRegistry registry;
    private final Map<String, TableSchema> tables;
    private final Upcasters upcasters;

    ServerModels(ActiveDatabase database) throws SQLException {
        this.registry = OfflineModelRegistry.of(OfflineModelSet.discover());
        registry.trackedItems(); // the tracked-item annotations are checked at start, not at first use
        this.upcasters = Upcasters.discover(registry);
        Map<String, TableSchema> schemas = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection()) {
            problems.addAll(NaturalKeyIndexCheck.problems(connection, registry.models()));
            for (ModelDescriptor model : registry.models()) {
                read(connection.getMetaData(), model, database.isPostgresql(), problems)
                        .ifPresent(schema -> schemas.put(model.name(), schema));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidOfflineModelException(problems);
        }
        this.tables = Map.copyOf(schemas);
        Log.infof("Applying %d offline models on %s", tables.size(), database.kind());
    }

    private static Optional<TableSchema> read(
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
            return Optional.empty(); // reported by the natural key check: the table does not exist
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

    public OfflineModelRegistry registry() {
        return registry;
    }

    /** @throws UnknownModelException when the model is not applied here */
    /** The checked upcaster chains of the models (schema evolution). */
    public Upcasters upcasters() {
        return upcasters;
    }

    public TableSchema table(String model) {
        TableSchema schema = tables.get(model);
        if (schema == null) {
            throw new UnknownModelException(model);
        }
        return schema;
    }

    public boolean knows(String model) {
        return tables.containsKey(model);
    }
}
