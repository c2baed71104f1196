package io.collectoffline.server.records;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.offline.TableSchema;
import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.InvalidInputException;
import io.collectoffline.protocol.Problem.FieldError;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.model.PayloadOpener;
import io.collectoffline.server.model.ServerModels;
import io.collectoffline.server.model.StoredPositions;
import io.collectoffline.server.store.TxStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Data out for analysis (R, Stata, Excel): a model's applied records, or the audit history of a set of them, as CSV
 * or JSON lines, written to the caller's stream as they are read (a database cursor of {@value #FETCH} rows; memory
 * does not grow with the export). Rows come in a stable order (records by creation time, then id; history by settled
 * order). The columns are the model's table columns in table order ({@link #columns}), the history's those of
 * {@link #HISTORY_COLUMNS}.
 */
@ApplicationScoped
public class RecordExport {

    /** The formats. */
    public enum Format {
        CSV("text/csv; charset=utf-8", "csv"),
        JSONL("application/x-ndjson", "jsonl");

        private final String mediaType;
        private final String extension;

        Format(String mediaType, String extension) {
            this.mediaType = mediaType;
            this.extension = extension;
        }

        public String mediaType() {
            return mediaType;
        }

        public String extension() {
            return extension;
        }

        public static Format of(String name) {
            if (name == null || name.equalsIgnoreCase("csv")) {
                return CSV;
            }
            if (name.equalsIgnoreCase("jsonl")) {
                return JSONL;
            }
            throw new InvalidInputException(
                    "Unknown format", List.of(new FieldError("format", "csv (default) or jsonl")));
        }
    }

    /**
     * Which records: all when every field is null.
     *
     * @param site         records at home in this site (the site of the record they depend on, else of their first
     *                     write: README, Two-way)
     * @param from         created on or after this day (UTC)
     * @param to           created on or before this day (UTC)
     * @param changedSince with a change applied on this server at or after this instant (for incremental pulls)
     */
    public record Filter(String site, LocalDate from, LocalDate to, OffsetDateTime changedSince) {

        /** Reads the query's filter values; each bad one is named. */
        public static Filter parse(String site, String from, String to, String changedSince) {
            List<FieldError> errors = new ArrayList<>();
            errors.addAll(io.collectoffline.protocol.Inputs.siteErrors(site));
            LocalDate fromDay = day(from, "from", errors);
            LocalDate toDay = day(to, "to", errors);
            OffsetDateTime since = null;
            if (changedSince != null && !changedSince.isBlank()) {
                try {
                    since = OffsetDateTime.parse(changedSince);
                } catch (DateTimeParseException e) {
                    try {
                        since = LocalDate.parse(changedSince).atStartOfDay().atOffset(ZoneOffset.UTC);
                    } catch (DateTimeParseException again) {
                        errors.add(new FieldError(
                                "changedSince", "a date (2026-12-01) or an instant (2026-12-01T08:00:00Z)"));
                    }
                }
            }
            if (fromDay != null && toDay != null && toDay.isBefore(fromDay)) {
                errors.add(new FieldError("to", "is before from"));
            }
            if (!errors.isEmpty()) {
                throw new InvalidInputException("The export cannot be made as asked", errors);
            }
            return new Filter(site, fromDay, toDay, since);
        }

        private static LocalDate day(String value, String field, List<FieldError> errors) {
            if (value == null || value.isBlank()) {
                return null;
            }
            try {
                return LocalDate.parse(value);
            } catch (DateTimeParseException e) {
                errors.add(new FieldError(field, "a date, 2026-12-01"));
                return null;
            }
        }

        /** The WHERE conditions on table alias {@code r}, and their parameters added to {@code args}. */
        String where(List<Object> args) {
            StringBuilder sql = new StringBuilder(" WHERE 1 = 1");
            if (site != null) {
                sql.append(" AND EXISTS (SELECT 1 FROM record_home h WHERE h.record_id = r.id AND h.site = ?)");
                args.add(site);
            }
            if (from != null) {
                sql.append(" AND r.created >= ?");
                args.add(from.atStartOfDay().atOffset(ZoneOffset.UTC));
            }
            if (to != null) {
                sql.append(" AND r.created < ?");
                args.add(to.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC));
            }
            if (changedSince != null) {
                sql.append(" AND EXISTS (SELECT 1 FROM incoming_transaction i WHERE i.model = ? AND i.record_id = r.id "
                        + "AND i.status = '" + TxStatus.APPLIED + "' AND i.applied_at >= ?)");
                args.add(null); // the model, filled in by the caller
                args.add(changedSince);
            }
            return sql.toString();
        }
    }

    /** The history export's columns: each applied change of a selected record, who made it where and when. */
    public static final List<String> HISTORY_COLUMNS = List.of(
            "record_id",
            "tx_id",
            "action",
            "producer",
            "seq",
            "site",
            "user_modified",
            "modified",
            "device_modified",
            "hostname_modified",
            "applied_at",
            "applied_order",
            "overruled");

    private static final int FETCH = 1000;
    /** Long enough for a large export over a slow link; the transaction only reads. */
    private static final Duration LONGEST = Duration.ofHours(6);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ActiveDatabase database;
    private final ServerModels models;
    private final PayloadOpener opener;

    RecordExport(ActiveDatabase database, ServerModels models, PayloadOpener opener) {
        this.database = database;
        this.models = models;
        this.opener = opener;
    }

    /** The export's columns for {@code model}; an unknown model throws {@code UnknownModelException}. */
    public List<String> columns(String model) {
        return models.table(model).columnNames();
    }

    /** Writes {@code model}'s records selected by {@code filter} to {@code out}. */
    public void records(String model, Filter filter, Format format, OutputStream out) {
        TableSchema table = models.table(model);
        List<Object> args = new ArrayList<>();
        String sql = "SELECT "
                + String.join(
                        ", ", table.columnNames().stream().map(c -> "r." + c).toList()) + " FROM "
                + table.model().table() + " r" + filter.where(args) + " ORDER BY r.created, r.id";
        database.inTransaction("exporting " + model, LONGEST, connection -> {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                bind(ps, args, model);
                ps.setFetchSize(FETCH);
                try (ResultSet rs = ps.executeQuery();
                        Rows rows = new Rows(format, table.columnNames(), out)) {
                    List<JsonNode> values = new ArrayList<>(table.columnNames().size());
                    while (rs.next()) {
                        values.clear();
                        for (int i = 0; i < table.columnNames().size(); i++) {
                            values.add(table.types()
                                    .get(table.columnNames().get(i))
                                    .read(rs, i + 1));
                        }
                        rows.write(values);
                    }
                }
            }
            return null;
        });
    }

    /** Writes the applied changes of {@code model}'s records selected by {@code filter}, in settled order. */
    public void history(String model, Filter filter, Format format, OutputStream out) {
        TableSchema table = models.table(model);
        List<Object> args = new ArrayList<>();
        args.add(model);
        String sql = "SELECT i.tx_id, i.producer, i.seq, i.action, i.key_id, i.payload, i.site, i.applied_at, "
                + "i.applied_order, i.overruled, i.record_id, i.reissued_from_producer, i.reissued_from_seq "
                + "FROM incoming_transaction i WHERE i.model = ? AND i.status = '" + TxStatus.APPLIED + "' "
                + "AND i.record_id IN (SELECT r.id FROM " + table.model().table() + " r" + filter.where(args)
                + ") ORDER BY i.applied_order, i.producer, i.seq";
        database.inTransaction("exporting the history of " + model, LONGEST, connection -> {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                bind(ps, args, model);
                ps.setFetchSize(FETCH);
                try (ResultSet rs = ps.executeQuery();
                        Rows rows = new Rows(format, HISTORY_COLUMNS, out)) {
                    List<JsonNode> values = new ArrayList<>(HISTORY_COLUMNS.size());
                    while (rs.next()) {
                        UUID recordId = rs.getObject(11, UUID.class);
                        TransactionEnvelope envelope = new TransactionEnvelope(
                                rs.getObject(1, UUID.class),
                                rs.getString(2),
                                rs.getLong(3),
                                model,
                                recordId,
                                Action.valueOf(rs.getString(4)),
                                null,
                                rs.getString(5),
                                rs.getBytes(6),
                                null,
                                StoredPositions.reissuedFrom(rs, 12));
                        JsonNode fields = opener.open(envelope).fields();
                        values.clear();
                        values.add(JSON.getNodeFactory().textNode(recordId.toString()));
                        values.add(
                                JSON.getNodeFactory().textNode(envelope.txId().toString()));
                        values.add(JSON.getNodeFactory().textNode(rs.getString(4)));
                        values.add(JSON.getNodeFactory().textNode(envelope.producer()));
                        values.add(JSON.getNodeFactory().numberNode(envelope.seq()));
                        values.add(text(rs.getString(7)));
                        values.add(fields.path("user_modified"));
                        values.add(fields.path("modified"));
                        values.add(fields.path("device_modified"));
                        values.add(fields.path("hostname_modified"));
                        OffsetDateTime applied = rs.getObject(8, OffsetDateTime.class);
                        values.add(text(applied == null ? null : applied.toString()));
                        long order = rs.getLong(9);
                        values.add(
                                rs.wasNull()
                                        ? JSON.getNodeFactory().nullNode()
                                        : JSON.getNodeFactory().numberNode(order));
                        values.add(JSON.getNodeFactory().booleanNode(rs.getBoolean(10)));
                        rows.write(values);
                    }
                }
            }
            return null;
        });
    }

    private static JsonNode text(String value) {
        return value == null
                ? JSON.getNodeFactory().nullNode()
                : JSON.getNodeFactory().textNode(value);
    }

    private static void bind(PreparedStatement ps, List<Object> args, String model) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            ps.setObject(i + 1, args.get(i) == null ? model : args.get(i));
        }
    }

    /** Writes rows in one format: a CSV header and RFC 4180 lines, or one JSON object per line. */
    private static final class Rows implements AutoCloseable {

        private final Format format;
        private final List<String> columns;
        private final OutputStream out;
        private final java.io.Writer writer;
        /** JSON lines: one generator for the whole export, flushed only at its end (the writer buffers). */
        private final JsonGenerator json;

        Rows(Format format, List<String> columns, OutputStream out) {
            this.format = format;
            this.columns = columns;
            this.out = out;
            this.writer =
                    new java.io.BufferedWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            if (format == Format.CSV) {
                json = null;
                line(columns.stream()
                        .map(c -> (JsonNode) JSON.getNodeFactory().textNode(c))
                        .toList());
            } else {
                try {
                    json = JSON.getFactory().createGenerator(writer);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                json.setRootValueSeparator(null); // each object ends its line instead
            }
        }

        void write(List<JsonNode> values) {
            if (format == Format.CSV) {
                line(values);
                return;
            }
            try {
                json.writeStartObject();
                for (int i = 0; i < columns.size(); i++) {
                    json.writeFieldName(columns.get(i));
                    JsonNode value = values.get(i);
                    if (value == null || value.isMissingNode() || value.isNull()) {
                        json.writeNull(); // NullNode would ask the (absent) serializer provider
                    } else if (value.isValueNode()) {
                        // a value writes itself; ObjectMapper.writeTree would make a serializer provider per value
                        ((com.fasterxml.jackson.databind.node.ValueNode) value).serialize(json, null);
                    } else {
                        JSON.writeTree(json, value);
                    }
                }
                json.writeEndObject();
                json.writeRaw('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void line(List<JsonNode> values) {
            try {
                for (int i = 0; i < values.size(); i++) {
                    if (i > 0) {
                        writer.write(',');
                    }
                    JsonNode v = values.get(i);
                    if (v == null || v.isNull() || v.isMissingNode()) {
                        continue;
                    }
                    String text = v.isValueNode() ? v.asText() : v.toString();
                    if (text.indexOf(',') >= 0
                            || text.indexOf('"') >= 0
                            || text.indexOf('\n') >= 0
                            || text.indexOf('\r') >= 0) {
                        writer.write('"');
                        writer.write(text.replace("\"", "\"\""));
                        writer.write('"');
                    } else {
                        writer.write(text);
                    }
                }
                writer.write("\r\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                if (json != null) {
                    json.flush();
                }
                writer.flush();
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
