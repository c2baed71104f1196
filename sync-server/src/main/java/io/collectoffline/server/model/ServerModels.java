package io.collectoffline.server.model;

import io.collectoffline.offline.InvalidOfflineModelException;
import io.collectoffline.offline.ModelDescriptor;
import io.collectoffline.offline.NaturalKeyIndexCheck;
import io.collectoffline.offline.OfflineModelRegistry;
import io.collectoffline.offline.OfflineModelSet;
import io.collectoffline.offline.TableSchema;
import io.collectoffline.offline.UnknownModelException;
import io.collectoffline.offline.Upcasters;
import io.collectoffline.server.config.ActiveDatabase;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
                TableSchema.read(connection.getMetaData(), model, database.isPostgresql(), problems)
                        .ifPresent(schema -> schemas.put(model.name(), schema));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidOfflineModelException(problems);
        }
        this.tables = Map.copyOf(schemas);
        Log.infof("Applying %d offline models on %s", tables.size(), database.kind());
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
