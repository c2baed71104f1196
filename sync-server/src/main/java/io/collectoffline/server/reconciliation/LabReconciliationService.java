package io.collectoffline.server.reconciliation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.offline.RecordSnapshot;
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
import java.util.UUID;

/**
 * The lab assistant's reconciliation on a server: the requisitions received (applied, drawn) against the tubes
 * marked in hand at the lab ({@code study.specimen_receipt}, stage LAB): a receipt is a change captured on this server
 * (this server is its producer), stored and applied like any other and forwarded upstream.
 */
@ApplicationScoped
public class LabReconciliationService {

    static final String STAGE = "LAB";

    private final ActiveDatabase database;
    private final LocalChanges changes;
    private final ServerConfig config;

    LabReconciliationService(ActiveDatabase database, LocalChanges changes, ServerConfig config) {
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
        String ofSite = site == null ? "" : " AND EXISTS (SELECT 1 FROM incoming_transaction t WHERE "
                + "t.model = 'study.specimen_requisition' AND t.record_id = r.id AND t.action = 'INSERT' "
                + "AND t.site = ?)";
        try (Connection c = database.dataSource().getConnection()) {
            return ReconciliationReport.of(STAGE,
                    strings(c, "SELECT requisition_identifier FROM specimen_requisition r WHERE is_drawn = TRUE"
                            + ofSite, site),
                    strings(c, "SELECT requisition_identifier FROM specimen_receipt WHERE stage = 'LAB'"
                            + (site == null ? "" : " AND requisition_identifier IN (SELECT requisition_identifier "
                            + "FROM specimen_requisition r WHERE 1 = 1" + ofSite + ")"), site));
        } catch (SQLException e) {
            throw new IllegalStateException("reading the lab reconciliation failed", e);
        }
    }

    /** Marks a tube in hand at the lab; a second mark of the same tube is a conflict. */
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
        String who = user == null || user.isBlank() ? "lab"
                : user.trim().substring(0, Math.min(50, user.trim().length()));
        String tube = requisitionIdentifier.trim();
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM specimen_receipt "
                     + "WHERE requisition_identifier = ? AND stage = 'LAB'")) {
            ps.setString(1, tube);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw new TubeAlreadyInHandException("Tube " + tube + " is already marked in hand at the lab");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("marking tube " + requisitionIdentifier + " failed", e);
        }
        // a captured transaction of this server, applied through ingest like any other: history, forwarding, files
        String host = hostname();
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        fields.put("id", id.toString());
        fields.put("requisition_identifier", tube);
        fields.put("stage", STAGE);
        fields.set("received_datetime", RecordSnapshot.toJsonValue(now));
        fields.put("comment", comment);
        fields.put("version", 0);
        fields.set("created", RecordSnapshot.toJsonValue(now));
        fields.set("modified", RecordSnapshot.toJsonValue(now));
        fields.put("user_created", who);
        fields.put("user_modified", who);
        fields.put("hostname_created", host);
        fields.put("hostname_modified", host);
        fields.put("device_created", config.nodeId());
        fields.put("device_modified", config.nodeId());
        TransactionResult result = changes.capture("study.specimen_receipt", id, Action.INSERT, fields);
        if (result.status() == TransactionStatus.REJECTED) {
            throw new IllegalStateException("the lab receipt of tube " + tube + " was refused: " + result.reason());
        }
        Log.infof("Tube %s marked in hand at the lab by %s (transaction %s)", tube, who, result.txId());
        return id;
    }

    private static List<String> strings(Connection c, String sql, String site) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql + " LIMIT 100000")) {
            if (site != null) {
                ps.setString(1, site);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
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
