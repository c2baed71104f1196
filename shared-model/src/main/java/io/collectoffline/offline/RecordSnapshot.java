package io.collectoffline.offline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Timestamp;
import java.time.temporal.TemporalAccessor;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;

/**
 * The plaintext payload of a transaction: one record's full state after the change (before it, for a delete).
 *
 * <p>{@code fields} maps every column of the record's table (lower case) to its value; foreign keys are the target's
 * UUID, audit fields are included. Column names rather than Java field names make the payload independent of the
 * entity class that wrote it, so a server can apply it with plain SQL and a team can rename a Java field freely.
 *
 * <p>{@code rev} and {@code baseTxId} are the record's lineage on the node that made the change: the change is
 * revision {@code rev} of the record, made on the version that {@code baseTxId} wrote (null for a new record).
 * A server compares them with what it applied last to tell an edit in line from a conflicting edit (ADR 8).
 * Snapshots written before lineage existed have {@code rev} 0.
 *
 * @param model         registry name of the model
 * @param schemaVersion the model's payload layout version at capture time
 * @param fields        column name to JSON value
 * @param rev           the record's revision this change makes (1 for a new record), 0 when unknown
 * @param baseTxId      the transaction that wrote the version this change was made on; null for a new record
 */
public record RecordSnapshot(String model, int schemaVersion, ObjectNode fields, long rev, UUID baseTxId) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A snapshot without lineage. */
    public RecordSnapshot(String model, int schemaVersion, ObjectNode fields) {
        this(model, schemaVersion, fields, 0, null);
    }

    /** Serialises to the compact JSON that the payload codec seals. */
    public byte[] toJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("model", model);
        root.put("schemaVersion", schemaVersion);
        root.set("fields", fields);
        if (rev > 0) {
            root.put("rev", rev);
            root.put("baseTxId", baseTxId == null ? null : baseTxId.toString());
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws IllegalArgumentException when {@code json} is not a snapshot */
    public static RecordSnapshot fromJson(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("payload is not JSON: " + e.getMessage(), e);
        }
        if (root == null
                || !root.path("model").isTextual()
                || !root.path("schemaVersion").canConvertToInt()
                || !root.path("fields").isObject()) {
            throw new IllegalArgumentException("payload is not a record snapshot (model, schemaVersion, fields)");
        }
        long rev = root.path("rev").canConvertToLong() ? root.get("rev").asLong() : 0;
        UUID base = null;
        if (root.path("baseTxId").isTextual()) {
            try {
                base = UUID.fromString(root.get("baseTxId").asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("payload's baseTxId is not a UUID", e);
            }
        }
        return new RecordSnapshot(
                root.get("model").asText(),
                root.get("schemaVersion").asInt(),
                (ObjectNode) root.get("fields"),
                Math.max(0, rev),
                base);
    }

    /**
     * Converts a JDBC column value to JSON: UUIDs and temporal values as ISO-8601 strings, exact numbers unchanged,
     * binary as base64. Timestamps without a zone are written as local date-times; audit fields carry zones.
     */
    public static JsonNode toJsonValue(Object value) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (value == null) {
            return nodes.nullNode();
        } else if (value instanceof String s) {
            return nodes.textNode(s);
        } else if (value instanceof Boolean b) {
            return nodes.booleanNode(b);
        } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return nodes.numberNode(((Number) value).intValue());
        } else if (value instanceof Long l) {
            return nodes.numberNode(l);
        } else if (value instanceof BigDecimal d) {
            return nodes.numberNode(d);
        } else if (value instanceof BigInteger i) {
            return nodes.numberNode(i);
        } else if (value instanceof Double d) {
            return nodes.numberNode(d);
        } else if (value instanceof Float f) {
            return nodes.numberNode(f);
        } else if (value instanceof UUID u) {
            return nodes.textNode(u.toString());
        } else if (value instanceof Timestamp t) {
            return nodes.textNode(t.toLocalDateTime().toString());
        } else if (value instanceof java.sql.Date d) {
            return nodes.textNode(d.toLocalDate().toString());
        } else if (value instanceof java.sql.Time t) {
            return nodes.textNode(t.toLocalTime().toString());
        } else if (value instanceof java.time.OffsetDateTime t) {
            return nodes.textNode(io.collectoffline.protocol.Rfc3339.format(t));
        } else if (value instanceof java.time.Instant t) {
            return nodes.textNode(io.collectoffline.protocol.Rfc3339.format(t));
        } else if (value instanceof java.time.ZonedDateTime t) {
            return nodes.textNode(io.collectoffline.protocol.Rfc3339.format(t.toInstant()));
        } else if (value instanceof TemporalAccessor t) {
            return nodes.textNode(t.toString());
        } else if (value instanceof Date d) {
            return nodes.textNode(d.toInstant().toString());
        } else if (value instanceof byte[] bytes) {
            return nodes.textNode(Base64.getEncoder().encodeToString(bytes));
        }
        throw new IllegalArgumentException(
                "column value of type " + value.getClass().getName() + " cannot be written to a record snapshot");
    }
}
