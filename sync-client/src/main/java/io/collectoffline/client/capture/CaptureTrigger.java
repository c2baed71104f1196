package io.collectoffline.client.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.codec.DeviceSigningKey;
import io.collectoffline.codec.SealedPayload;
import io.collectoffline.offline.ModelDescriptor;
import io.collectoffline.offline.OfflineEntity;
import io.collectoffline.offline.RecordSnapshot;
import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.TimeOrderedUuid;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.protocol.TransactionHeader;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.h2.util.StringUtils;

/**
 * The H2 row trigger that makes change capture impossible to bypass (DESIGN §5, invariant 1).
 *
 * <p>Installed twice on every offline table by {@link CaptureInstaller}: BEFORE INSERT/UPDATE it stamps the audit
 * fields, keeps the id and creation fields immutable and makes sure every change raises {@code version}; AFTER
 * INSERT/UPDATE/DELETE it writes the outgoing transaction and the local history row through the same connection,
 * so they commit or roll back with the change itself. Within {@link CaptureRuntime#signingTogether} (a bulk
 * entry) the changes are signed on another core meanwhile, their outgoing rows written at the work's end, in the
 * same transaction.
 * Because it lives in the database, every way of changing a row is captured: Hibernate entity operations, Panache
 * and JPQL bulk statements, and native SQL.
 *
 * <p>{@code seq} comes from the producer's counter row, incremented in the same transaction: the row lock it
 * takes is held until commit, so a second writer waits and receives the next number only once the first has
 * committed (seq follows commit order), and a rollback gives the number back (no gaps).
 */
@RegisterForReflection
public class CaptureTrigger implements org.h2.api.Trigger {

    private static final String NEXT_SEQ = "SELECT last_seq FROM FINAL TABLE "
            + "(UPDATE producer_counter SET last_seq = last_seq + 1 WHERE producer = ?)";
    private static final String INSERT_OUTGOING = "INSERT INTO outgoing_transaction "
            + "(tx_id, producer, seq, model, record_id, action, captured_at, key_id, payload, signer, signature) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_HISTORY = "INSERT INTO record_history (model, record_id, action, tx_id, seq, "
            + "changed_at, changed_by, device_id, hostname, changes, rev, producer) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /** The last captured change of a record on this node: the base of the next one (ADR 8). */
    private static final String LAST_CHANGE = "SELECT tx_id, rev FROM record_history WHERE model = ? "
            + "AND record_id = ? AND tx_id IS NOT NULL ORDER BY id DESC LIMIT 1";

    /** The columns a history row leaves out: the version and the audit fields, which every change sets. */
    public static final Set<String> NOT_IN_HISTORY = OfflineEntity.AUDIT_COLUMNS;

    private String table;
    private boolean before;
    private List<String> columns;
    private boolean[] notInHistory;
    private int id;
    private int version;
    private int created;
    private int modified;
    private int userCreated;
    private int userModified;
    private int hostnameCreated;
    private int hostnameModified;
    private int deviceCreated;
    private int deviceModified;

    @Override
    public void init(
            Connection connection, String schemaName, String triggerName, String tableName, boolean before, int type)
            throws SQLException {
        this.table = tableName.toLowerCase(Locale.ROOT);
        this.before = before;
        this.columns = new ArrayList<>();
        // the columns in table order, from a statement prepared and never run: H2 answers it from the table's
        // definition, where a query of information_schema.columns builds rows for every column of the schema
        try (PreparedStatement ps =
                connection.prepareStatement("SELECT * FROM " + StringUtils.quoteIdentifier(schemaName) + "."
                        + StringUtils.quoteIdentifier(tableName) + " WHERE FALSE")) {
            ResultSetMetaData meta = ps.getMetaData();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                columns.add(meta.getColumnName(i).toLowerCase(Locale.ROOT));
            }
        }
        notInHistory = new boolean[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            notInHistory[i] = NOT_IN_HISTORY.contains(columns.get(i));
        }
        id = column("id");
        version = column("version");
        created = column("created");
        modified = column("modified");
        userCreated = column("user_created");
        userModified = column("user_modified");
        hostnameCreated = column("hostname_created");
        hostnameModified = column("hostname_modified");
        deviceCreated = column("device_created");
        deviceModified = column("device_modified");
    }

    private int column(String name) throws SQLException {
        int index = columns.indexOf(name);
        if (index < 0) {
            throw new SQLException("offline table " + table + " has no column " + name);
        }
        return index;
    }

    @Override
    public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
        CaptureSettings settings = CaptureRuntime.settings();
        if (settings == null) {
            throw new SQLException("change capture is not initialised yet: table " + table
                    + " cannot be changed before the application has started");
        }
        CaptureRuntime.Received received = CaptureRuntime.received();
        if (received != null) {
            if (!before) { // a received change keeps its audit fields as the server holds them; no transaction
                history(connection, received, oldRow, newRow);
            }
        } else if (before) {
            stampAudit(settings, oldRow, newRow);
        } else {
            capture(connection, settings, oldRow, newRow);
        }
    }

    private void stampAudit(CaptureSettings settings, Object[] oldRow, Object[] newRow) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        String user = truncate(CaptureRuntime.currentUser(), 50);
        if (oldRow == null) {
            newRow[created] = now;
            newRow[userCreated] = user;
            newRow[hostnameCreated] = settings.hostname();
            newRow[deviceCreated] = settings.device();
            if (newRow[version] == null) {
                newRow[version] = 0L;
            }
        } else {
            if (!Objects.equals(oldRow[id], newRow[id])) {
                throw new SQLException("the id of a " + table + " record never changes (" + oldRow[id] + ")");
            }
            newRow[created] = oldRow[created];
            newRow[userCreated] = oldRow[userCreated];
            newRow[hostnameCreated] = oldRow[hostnameCreated];
            newRow[deviceCreated] = oldRow[deviceCreated];
            long oldVersion = ((Number) oldRow[version]).longValue();
            if (newRow[version] == null || ((Number) newRow[version]).longValue() <= oldVersion) {
                // a bulk or native UPDATE does not bump the version as Hibernate does; every change must
                newRow[version] = oldVersion + 1;
            }
        }
        newRow[modified] = now;
        newRow[userModified] = user;
        newRow[hostnameModified] = settings.hostname();
        newRow[deviceModified] = settings.device();
    }

    private void capture(Connection connection, CaptureSettings settings, Object[] oldRow, Object[] newRow)
            throws SQLException {
        ModelDescriptor model = settings.registry()
                .forTable(table)
                .orElseThrow(() ->
                        new SQLException("table " + table + " has a capture trigger but is not an offline model"));
        Action action = oldRow == null ? Action.INSERT : newRow == null ? Action.DELETE : Action.UPDATE;
        Object[] state = newRow != null ? newRow : oldRow;
        UUID recordId = (UUID) state[id];
        // the history's time is the record's own modified (stamped before the write), not a second clock reading
        OffsetDateTime now = newRow != null && newRow[modified] instanceof OffsetDateTime stamped
                ? stamped
                : OffsetDateTime.now(ZoneOffset.UTC);
        String user = truncate(CaptureRuntime.currentUser(), 50);
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < columns.size(); i++) {
            fields.set(columns.get(i), RecordSnapshot.toJsonValue(state[i]));
        }
        if (action == Action.DELETE) {
            // the deleted record's last state, stamped with who deleted it, where and when
            fields.set(columns.get(modified), RecordSnapshot.toJsonValue(now));
            fields.put(columns.get(userModified), user);
            fields.put(columns.get(hostnameModified), settings.hostname());
            fields.put(columns.get(deviceModified), settings.device());
        }
        UUID txId = null;
        Long seq = null;
        Long rev = null;
        if (settings.enabled()) {
            txId = TimeOrderedUuid.next();
            seq = nextSeq(connection, settings.producer());
            UUID base = null;
            rev = 1L;
            // an id seen here before (a record deleted and created again) goes on from its last change
            try (PreparedStatement ps = connection.prepareStatement(LAST_CHANGE)) {
                ps.setString(1, model.name());
                ps.setObject(2, recordId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        base = rs.getObject(1, UUID.class);
                        rev = rs.getLong(2) + 1; // a change captured before lineage existed counts as rev 0
                    }
                }
            }
            TransactionHeader header =
                    new TransactionHeader(txId, settings.producer(), seq, model.name(), recordId, action);
            SealedPayload payload = settings.codec()
                    .seal(header, new RecordSnapshot(model.name(), model.schemaVersion(), fields, rev, base).toJson());
            Captured captured = new Captured(
                    new TransactionEnvelope(
                            txId,
                            settings.producer(),
                            seq,
                            model.name(),
                            recordId,
                            action,
                            null,
                            payload.keyId(),
                            payload.bytes()),
                    now,
                    settings.signer());
            if (!CaptureRuntime.signLater(captured)) {
                writeOutgoing(connection, List.of(captured), List.of(captured.sign()));
            }
        }
        try (PreparedStatement ps = connection.prepareStatement(INSERT_HISTORY)) {
            ps.setString(1, model.name());
            ps.setObject(2, recordId);
            ps.setString(3, action.name());
            ps.setObject(4, txId);
            if (seq == null) {
                ps.setNull(5, Types.BIGINT);
            } else {
                ps.setLong(5, seq);
            }
            ps.setObject(6, now);
            ps.setString(7, user);
            ps.setString(8, settings.device());
            ps.setString(9, settings.hostname());
            ps.setString(10, changes(oldRow, newRow).toString());
            if (rev == null) {
                ps.setNull(11, Types.BIGINT);
            } else {
                ps.setLong(11, rev);
            }
            ps.setString(12, null);
            ps.executeUpdate();
        }
    }

    /** The history row of a received change: who, where and when as its producer recorded them. */
    private void history(Connection connection, CaptureRuntime.Received received, Object[] oldRow, Object[] newRow)
            throws SQLException {
        Object[] state = newRow != null ? newRow : oldRow;
        Action action = oldRow == null ? Action.INSERT : newRow == null ? Action.DELETE : Action.UPDATE;
        ModelDescriptor model = CaptureRuntime.settings()
                .registry()
                .forTable(table)
                .orElseThrow(() ->
                        new SQLException("table " + table + " has a capture trigger but is not an offline model"));
        try (PreparedStatement ps = connection.prepareStatement(INSERT_HISTORY)) {
            ps.setString(1, model.name());
            ps.setObject(2, state[id]);
            ps.setString(3, action.name());
            ps.setObject(4, received.txId());
            ps.setNull(5, Types.BIGINT);
            ps.setObject(6, received.changedAt() != null ? received.changedAt() : OffsetDateTime.now(ZoneOffset.UTC));
            ps.setString(7, truncate(received.changedBy(), 50));
            ps.setString(8, truncate(received.device() != null ? received.device() : received.producer(), 36));
            ps.setString(9, truncate(received.hostname(), 60));
            ps.setString(10, changes(oldRow, newRow).toString());
            ps.setLong(11, received.rev());
            ps.setString(12, received.producer());
            ps.executeUpdate();
        }
    }

    private static long nextSeq(Connection connection, String producer) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(NEXT_SEQ)) {
            ps.setString(1, producer);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("no sequence counter for producer " + producer);
                }
                return rs.getLong(1);
            }
        }
    }

    /**
     * A captured change before it is signed: its transaction, when it was captured and the key that signs it.
     *
     * @param envelope   the transaction without signature
     * @param capturedAt when the change was made (the record's modified)
     * @param signer     this device's signing key at the time of the change
     */
    record Captured(TransactionEnvelope envelope, OffsetDateTime capturedAt, DeviceSigningKey signer) {

        /** This device's signature: no relay can forge, alter, insert or reorder the change (Guarantees 10). */
        byte[] sign() {
            return signer.sign(envelope);
        }
    }

    /**
     * Writes the outgoing rows of {@code changes}, with their {@code signatures}, through {@code connection}: in the
     * transaction that made them.
     */
    static void writeOutgoing(Connection connection, List<Captured> changes, List<byte[]> signatures)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(INSERT_OUTGOING)) {
            for (int i = 0; i < changes.size(); i++) {
                Captured change = changes.get(i);
                TransactionEnvelope e = change.envelope();
                ps.setObject(1, e.txId());
                ps.setString(2, e.producer());
                ps.setLong(3, e.seq());
                ps.setString(4, e.model());
                ps.setObject(5, e.recordId());
                ps.setString(6, e.action().name());
                ps.setObject(7, change.capturedAt());
                ps.setString(8, e.keyId());
                ps.setBytes(9, e.payload());
                ps.setString(10, change.signer().keyId());
                ps.setBytes(11, signatures.get(i));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** {@code {column: {"from": old, "to": new}}} for each changed column but those {@link #NOT_IN_HISTORY}. */
    private JsonNode changes(Object[] oldRow, Object[] newRow) {
        ObjectNode changes = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < columns.size(); i++) {
            if (notInHistory[i]) {
                continue;
            }
            Object from = oldRow == null ? null : oldRow[i];
            Object to = newRow == null ? null : newRow[i];
            if (!sameValue(from, to)) {
                ObjectNode change = changes.putObject(columns.get(i));
                change.set("from", RecordSnapshot.toJsonValue(from));
                change.set("to", RecordSnapshot.toJsonValue(to));
            }
        }
        return changes;
    }

    private static boolean sameValue(Object a, Object b) {
        if (a instanceof java.math.BigDecimal x && b instanceof java.math.BigDecimal y) {
            return x.compareTo(y) == 0;
        }
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return java.util.Arrays.equals(x, y);
        }
        if (a instanceof Timestamp x && b instanceof Timestamp y) {
            return x.equals(y);
        }
        return Objects.equals(a, b);
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    @Override
    public void close() {
        // nothing held between calls
    }

    @Override
    public void remove() {
        // nothing held between calls
    }
}
