package io.collectoffline.server.downsync;

import io.collectoffline.offline.ModelDescriptor;
import io.collectoffline.offline.UnknownModelException;
import io.collectoffline.protocol.InvalidInputException;
import io.collectoffline.protocol.Problem.FieldError;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.model.ServerModels;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The owner of {@code downsync_assignment}: households, subjects or any other records an admin gives to one device or
 * to the team of a site (ADR 14). A device with an assignment — its own or its site's — receives the assigned records,
 * the records under them (a household's subjects and their visits) and the records they depend on, instead of its
 * whole site's; reference models and the verdicts on its own changes come either way. Changing what a device is
 * assigned changes its subscription, so its next down-sync starts the new feed from the beginning.
 */
@ApplicationScoped
public class Assignments {

    /** The most records one request assigns. */
    public static final int MAX_KEYS = 1000;

    private final ActiveDatabase database;
    private final ServerModels models;

    Assignments(ActiveDatabase database, ServerModels models) {
        this.database = database;
        this.models = models;
    }

    /**
     * One assigned record.
     *
     * @param model      its offline model
     * @param recordId   its id
     * @param naturalKey its natural key as the admin sees it (values joined with '/')
     * @param assignedAt when
     * @param assignedBy by whom
     */
    public record Assignment(
            String model, UUID recordId, String naturalKey, OffsetDateTime assignedAt, String assignedBy) {}

    /**
     * What is assigned to a device or a site's team.
     *
     * @param target  {@code device:<id>} or {@code site:<id>}
     * @param records the assigned records, by model and natural key
     */
    public record AssignmentList(String target, List<Assignment> records) {}

    /** The target name of a device's own assignments. */
    public static String deviceTarget(String deviceId) {
        return "device:" + deviceId;
    }

    /** The target name of a site team's assignments. */
    public static String siteTarget(String site) {
        return "site:" + site;
    }

    /** What is assigned to {@code target}. */
    public AssignmentList list(String target) {
        return database.inTransaction(
                "reading the assignments of " + target, c -> new AssignmentList(target, read(c, target)));
    }

    /**
     * Assigns to {@code target} the records of {@code model} named by {@code keys} — each a record id or, for a model
     * with a one-field natural key, its natural key. All or nothing: when any key names no record here, nothing is
     * assigned and the answer lists every such key. Assigning a record twice changes nothing.
     */
    public AssignmentList assign(String target, String model, List<String> keys, String by) {
        ModelDescriptor descriptor = model(model);
        if (keys == null || keys.isEmpty() || keys.size() > MAX_KEYS) {
            throw new InvalidInputException(
                    "Nothing assigned",
                    List.of(new FieldError("keys", "must list 1 to " + MAX_KEYS + " record ids or natural keys")));
        }
        return database.inTransaction("assigning records to " + target, c -> {
            Map<String, Resolved> resolved = new LinkedHashMap<>();
            List<FieldError> errors = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                String key = keys.get(i);
                Resolved r = usable(key) ? resolve(c, descriptor, key) : null;
                if (r == null) {
                    errors.add(new FieldError(
                            "keys[" + i + "]",
                            "no " + model + " record here has the id or natural key '"
                                    + (key == null
                                            ? ""
                                            : key.replaceAll("\\p{Cntrl}", "?")
                                                    .substring(0, Math.min(60, key.length())))
                                    + "'"));
                } else {
                    resolved.put(r.id().toString(), r);
                }
            }
            if (!errors.isEmpty()) {
                throw new InvalidInputException("Nothing assigned: some keys name no record here", errors);
            }
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO downsync_assignment (target, record_id, model, "
                    + "natural_key, assigned_at, assigned_by) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                for (Resolved r : resolved.values()) {
                    ps.setString(1, target);
                    ps.setObject(2, r.id());
                    ps.setString(3, model);
                    ps.setString(4, r.naturalKey());
                    ps.setObject(5, now);
                    ps.setString(6, by);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            Log.infof("%d %s records assigned to %s by %s", resolved.size(), model, target, by);
            return new AssignmentList(target, read(c, target));
        });
    }

    /** Takes the record of {@code model} named by {@code key} (id or natural key) off {@code target}'s assignment. */
    public AssignmentList unassign(String target, String model, String key, String by) {
        ModelDescriptor descriptor = model(model);
        return database.inTransaction("unassigning a record from " + target, c -> {
            if (!usable(key)) {
                throw new InvalidInputException(
                        "Nothing unassigned",
                        List.of(new FieldError("key", "must be a record id or natural key (1 to 200 characters)")));
            }
            Resolved r = resolve(c, descriptor, key);
            int removed;
            try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM downsync_assignment WHERE target = ? AND model = ? "
                            + "AND (record_id = ? OR natural_key = ?)")) {
                ps.setString(1, target);
                ps.setString(2, model);
                ps.setObject(3, r == null ? uuidOrNull(key) : r.id());
                ps.setString(4, key);
                removed = ps.executeUpdate();
            }
            if (removed == 0) {
                throw new InvalidInputException(
                        "Nothing unassigned",
                        List.of(new FieldError(
                                "key", "no " + model + " record '" + key + "' is assigned to " + target)));
            }
            Log.infof("%s record %s unassigned from %s by %s", model, key, target, by);
            return new AssignmentList(target, read(c, target));
        });
    }

    private ModelDescriptor model(String model) {
        try {
            return models.table(model == null ? "" : model).model();
        } catch (UnknownModelException e) {
            throw new InvalidInputException(
                    "Nothing assigned", List.of(new FieldError("model", "must be an offline model known here")));
        }
    }

    private record Resolved(UUID id, String naturalKey) {}

    /** The record {@code key} names: its id, or its one-field natural key; null when none. */
    private Resolved resolve(Connection c, ModelDescriptor model, String key) throws SQLException {
        UUID id = uuidOrNull(key);
        String where;
        if (id != null) {
            where = "id = ?";
        } else if (model.naturalKeyColumns().size() == 1) {
            where = model.naturalKeyColumns().get(0) + " = ?";
        } else {
            return null; // a natural key of several fields: the record is named by its id
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT id, " + String.join(", ", model.naturalKeyColumns())
                + " FROM " + model.table() + " WHERE " + where)) {
            if (id != null) {
                ps.setObject(1, id);
            } else {
                ps.setString(1, key);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                List<String> values = new ArrayList<>();
                for (int i = 0; i < model.naturalKeyColumns().size(); i++) {
                    values.add(String.valueOf(rs.getObject(i + 2)));
                }
                return new Resolved(rs.getObject(1, UUID.class), String.join("/", values));
            }
        }
    }

    private static List<Assignment> read(Connection c, String target) throws SQLException {
        List<Assignment> records = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT model, record_id, natural_key, assigned_at, assigned_by "
                + "FROM downsync_assignment WHERE target = ? ORDER BY model, natural_key")) {
            ps.setString(1, target);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    records.add(new Assignment(
                            rs.getString(1),
                            rs.getObject(2, UUID.class),
                            rs.getString(3),
                            rs.getObject(4, OffsetDateTime.class),
                            rs.getString(5)));
                }
            }
        }
        return records;
    }

    /** A key that could name a record: 1 to 200 characters, no control characters (a NUL byte never reaches SQL). */
    private static boolean usable(String key) {
        return key != null
                && !key.isBlank()
                && key.length() <= 200
                && key.chars().noneMatch(Character::isISOControl);
    }

    private static UUID uuidOrNull(String value) {
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
