package io.collectoffline.server.reconciliation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.offline.RecordSnapshot;
import io.collectoffline.offline.TrackedItems;
import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.InvalidInputException;
import io.collectoffline.protocol.Problem.FieldError;
import io.collectoffline.protocol.ReconciliationReport;
import io.collectoffline.protocol.SiteId;
import io.collectoffline.protocol.TimeOrderedUuid;
import io.collectoffline.protocol.TransactionResult;
import io.collectoffline.protocol.TransactionStatus;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.config.ServerConfig;
import io.collectoffline.server.ingest.LocalChanges;
import io.collectoffline.server.model.ServerModels;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The lab assistant's reconciliation on a server: the tracked items received (applied and ready: drawn requisitions
 * in the example study) against the items marked in hand at the lab (records of the study's
 * {@link io.collectoffline.offline.ItemReceipt} model, stage LAB): a receipt is a change captured on this server (this
 * server is its producer), stored and applied like any other and forwarded upstream. Which tables and columns these
 * are comes from the model metadata ({@link TrackedItems}); a study that tracks no items has no reconciliation.
 */
@ApplicationScoped
public class LabReconciliationService {

    static final String STAGE = "LAB";

    private final ActiveDatabase database;
    private final LocalChanges changes;
    private final ServerConfig config;

    private final ServerModels models;

    LabReconciliationService(ActiveDatabase database, LocalChanges changes, ServerConfig config, ServerModels models) {
        this.models = models;
        this.database = database;
        this.changes = changes;
        this.config = config;
    }

    /**
     * The whole server's reconciliation, or one site's: with a {@code site}, the requisitions created there (their
     * INSERT carries the site) and the tubes in hand that belong to them; a tube in hand that no requisition names
     * belongs to no site and shows only without one.
     */
    public ReconciliationReport report(@SiteId String site) {
        TrackedItems items = models.registry().requireTrackedItems();
        String identifier = "r." + items.identifierColumn();
        String ready = "SELECT " + identifier + " FROM " + items.item().table() + " r WHERE r." + items.readyColumn()
                + " = TRUE";
        String ofSite = " AND EXISTS (SELECT 1 FROM incoming_transaction t WHERE t.model = ? AND t.record_id = r.id "
                + "AND t.action = 'INSERT' AND t.site = ?)";
        try (Connection c = database.dataSource().getConnection()) {
            if (site == null) {
                return ReconciliationReport.of(STAGE, strings(c, ready), strings(c, items.inHandSql(), STAGE));
            }
            String model = items.item().name();
            return ReconciliationReport.of(
                    STAGE,
                    strings(c, ready + ofSite, model, site),
                    strings(
                            c,
                            items.inHandSql() + " AND "
                                    + items.receipt().columns().get(items.receiptIdentifier())
                                    + " IN (SELECT " + identifier + " FROM "
                                    + items.item().table() + " r WHERE 1 = 1"
                                    + ofSite + ")",
                            STAGE,
                            model,
                            site));
        } catch (SQLException e) {
            throw new IllegalStateException("reading the lab reconciliation failed", e);
        }
    }

    /** Marks an item (a tube) in hand at the lab; a second mark of the same item is a conflict. */
    public UUID markInHand(String requisitionIdentifier, String comment, String user) {
        List<FieldError> errors = new ArrayList<>();
        if (requisitionIdentifier == null || requisitionIdentifier.isBlank() || requisitionIdentifier.length() > 36) {
            errors.add(new FieldError("requisitionIdentifier", "required, at most 36 characters"));
        }
        if (comment != null && comment.length() > 250) {
            errors.add(new FieldError("comment", "at most 250 characters"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException("The tube cannot be marked as given", errors);
        }
        UUID id = TimeOrderedUuid.next();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        String who = user == null || user.isBlank()
                ? "lab"
                : user.trim().substring(0, Math.min(50, user.trim().length()));
        String tube = requisitionIdentifier.trim();
        TrackedItems items = models.registry().requireTrackedItems();
        Map<String, String> columns = items.receipt().columns();
        try (Connection c = database.dataSource().getConnection()) {
            if (!strings(c, items.inHandSql() + " AND " + columns.get(items.receiptIdentifier()) + " = ?", STAGE, tube)
                    .isEmpty()) {
                throw new TubeAlreadyInHandException("Tube " + tube + " is already marked in hand at the lab");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("marking tube " + requisitionIdentifier + " failed", e);
        }
        // a captured transaction of this server, applied through ingest like any other: history, forwarding, files
        String host = hostname();
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        fields.put("id", id.toString());
        fields.put(columns.get(items.receiptIdentifier()), tube);
        fields.put(columns.get(items.stage()), STAGE);
        fields.set(columns.get(items.time()), RecordSnapshot.toJsonValue(now));
        if (items.comment() != null) {
            fields.put(columns.get(items.comment()), comment);
        }
        fields.put("version", 0);
        fields.set("created", RecordSnapshot.toJsonValue(now));
        fields.set("modified", RecordSnapshot.toJsonValue(now));
        fields.put("user_created", who);
        fields.put("user_modified", who);
        fields.put("hostname_created", host);
        fields.put("hostname_modified", host);
        fields.put("device_created", config.nodeId());
        fields.put("device_modified", config.nodeId());
        for (String column : columns.values()) {
            if (!fields.has(column)) {
                fields.putNull(column); // a field of the study's receipt model this service does not fill
            }
        }
        TransactionResult result = changes.capture(items.receipt().name(), id, Action.INSERT, fields);
        if (result.status() == TransactionStatus.REJECTED) {
            throw new IllegalStateException("the lab receipt of tube " + tube + " was refused: " + result.reason());
        }
        Log.infof("Tube %s marked in hand at the lab by %s (transaction %s)", tube, who, result.txId());
        return id;
    }

    private static List<String> strings(Connection c, String sql, String... parameters) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql + " LIMIT " + TrackedItems.REPORT_MAX)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
        }
        if (values.size() == TrackedItems.REPORT_MAX) {
            Log.warnf("The lab reconciliation read the first %d identifiers of one side only", TrackedItems.REPORT_MAX);
        }
        return values;
    }

    private static String hostname() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return name.length() <= 60 ? name : name.substring(0, 60);
        } catch (java.net.UnknownHostException e) {
            return "server";
        }
    }
}
