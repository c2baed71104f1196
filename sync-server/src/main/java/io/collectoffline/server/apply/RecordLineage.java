package io.collectoffline.server.apply;

import io.collectoffline.offline.ModelDescriptor;
import io.collectoffline.offline.TableSchema;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.model.ServerModels;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The owner of {@code record_lineage}: every record written here, with itself and every record it depends on through
 * its foreign keys, transitively (ADR 14). The down-sync routes a transaction to the devices a record of its lineage
 * is assigned to: a household's assignee receives its subjects and their visits; a subject's assignee receives its
 * visits and its household.
 *
 * <p>Stamped in the database transaction that writes the record, from the row just written and the lineage of the
 * records its foreign keys name (written before it: the foreign keys say so). Rows are only added, never removed: a
 * deletion travels where the record went, and a record moved to another parent stays routed to the old one's
 * assignees too.
 */
@ApplicationScoped
public class RecordLineage {

    private final ActiveDatabase database;
    private final ServerModels models;

    RecordLineage(ActiveDatabase database, ServerModels models) {
        this.database = database;
        this.models = models;
    }

    /** Stamps the lineage of {@code ids}, records of {@code table} just inserted or updated. */
    static void stamp(Connection connection, TableSchema table, List<UUID> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        Object[] array = ids.toArray();
        for (String sql : statements(table.model(), "t.id = ANY (?)")) {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                ps.setArray(1, connection.createArrayOf("uuid", array));
                ps.executeUpdate();
            }
        }
    }

    /**
     * Stamps the records written before this server kept lineages (an upgrade), parents before children; a no-op
     * once every record has its lineage. Safe with several instances starting at once.
     */
    void backfill(@Observes StartupEvent event) {
        int stamped = database.inTransaction("stamping the lineage of records written before it was kept", c -> {
            int rows = 0;
            for (ModelDescriptor model : parentsFirst(models.registry().models())) {
                String unstamped =
                        "NOT EXISTS (SELECT 1 FROM record_lineage x WHERE x.record_id = t.id AND x.ancestor_id = t.id)";
                for (String sql : statements(model, unstamped)) {
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        rows += ps.executeUpdate();
                    }
                }
            }
            return rows;
        });
        if (stamped > 0) {
            Log.infof("Stamped %d lineage rows of records written before this version", stamped);
        }
    }

    /** The statements stamping the rows of {@code model}'s table selected by {@code where}: ancestors, then itself. */
    private static List<String> statements(ModelDescriptor model, String where) {
        List<String> sql = new ArrayList<>();
        for (String field : model.references().keySet()) {
            sql.add("INSERT INTO record_lineage (record_id, ancestor_id, ancestor_model) "
                    + "SELECT t.id, l.ancestor_id, l.ancestor_model FROM "
                    + model.table() + " t JOIN record_lineage l ON l.record_id = t."
                    + model.columns().get(field)
                    + " WHERE " + where + " ON CONFLICT DO NOTHING");
        }
        sql.add("INSERT INTO record_lineage (record_id, ancestor_id, ancestor_model) SELECT t.id, t.id, '"
                + model.name() + "' FROM " + model.table() + " t WHERE " + where + " ON CONFLICT DO NOTHING");
        return sql;
    }

    /** {@code models} ordered so that every model comes after the models its foreign keys point to. */
    static List<ModelDescriptor> parentsFirst(List<ModelDescriptor> models) {
        List<ModelDescriptor> ordered = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        List<ModelDescriptor> left = new ArrayList<>(models);
        while (!left.isEmpty()) {
            boolean progress = left.removeIf(m -> {
                if (m.references().values().stream().allMatch(r -> r.equals(m.name()) || placed.contains(r))) {
                    ordered.add(m);
                    placed.add(m.name());
                    return true;
                }
                return false;
            });
            if (!progress) {
                ordered.addAll(left); // a cycle: stamped as far as it goes
                break;
            }
        }
        return ordered;
    }
}
