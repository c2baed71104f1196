package io.collectoffline.offline;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;
import java.util.UUID;

/**
 * How a column's value travels between a snapshot's JSON and JDBC, for the column types offline models use.
 * Read from the database's metadata, so the server binds exactly what its tables hold.
 */
public enum ColumnType {
    UUID_TYPE(Types.OTHER),
    TEXT(Types.VARCHAR),
    INTEGER(Types.INTEGER),
    BIGINT(Types.BIGINT),
    DECIMAL(Types.NUMERIC),
    BOOLEAN(Types.BOOLEAN),
    DATE(Types.DATE),
    TIMESTAMP(Types.TIMESTAMP),
    TIMESTAMP_TZ(Types.TIMESTAMP_WITH_TIMEZONE),
    BINARY(Types.VARBINARY);

    private final int sqlType;

    ColumnType(int sqlType) {
        this.sqlType = sqlType;
    }

    /**
     * @param jdbcType {@code DATA_TYPE} of {@code DatabaseMetaData.getColumns}
     * @param typeName {@code TYPE_NAME} of the same (PostgreSQL reports uuid as OTHER and timestamptz as TIMESTAMP)
     * @throws IllegalArgumentException for a type offline models do not use
     */
    public static ColumnType of(int jdbcType, String typeName) {
        String name = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        if (name.equals("uuid")) {
            return UUID_TYPE;
        }
        if (name.equals("timestamptz") || name.contains("with time zone")) {
            return TIMESTAMP_TZ;
        }
        return switch (jdbcType) {
            case Types.VARCHAR, Types.CHAR, Types.LONGVARCHAR, Types.NVARCHAR, Types.NCHAR, Types.CLOB -> TEXT;
            case Types.INTEGER, Types.SMALLINT, Types.TINYINT -> INTEGER;
            case Types.BIGINT -> BIGINT;
            case Types.NUMERIC, Types.DECIMAL, Types.DOUBLE, Types.FLOAT, Types.REAL -> DECIMAL;
            case Types.BOOLEAN, Types.BIT -> BOOLEAN;
            case Types.DATE -> DATE;
            case Types.TIMESTAMP -> TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE -> TIMESTAMP_TZ;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> BINARY;
            default ->
                throw new IllegalArgumentException(
                        "column type " + typeName + " (" + jdbcType + ") is not supported in offline models");
        };
    }

    /**
     * Binds a snapshot value.
     *
     * @throws IllegalArgumentException naming the expected form when the JSON value does not fit the column
     */
    public void bind(PreparedStatement ps, int index, JsonNode value) throws SQLException {
        if (value == null || value.isNull()) {
            ps.setNull(index, this == UUID_TYPE ? Types.OTHER : sqlType);
            return;
        }
        try {
            switch (this) {
                case UUID_TYPE -> ps.setObject(index, UUID.fromString(text(value)));
                case TEXT -> ps.setString(index, text(value));
                case INTEGER -> ps.setInt(index, integral(value).intValueExact());
                case BIGINT -> ps.setLong(index, integral(value).longValueExact());
                case DECIMAL -> ps.setBigDecimal(index, number(value));
                case BOOLEAN -> {
                    if (!value.isBoolean()) {
                        throw new IllegalArgumentException("expected true or false");
                    }
                    ps.setBoolean(index, value.booleanValue());
                }
                case DATE -> ps.setObject(index, LocalDate.parse(text(value)));
                case TIMESTAMP -> ps.setObject(index, LocalDateTime.parse(text(value)));
                case TIMESTAMP_TZ -> ps.setObject(index, OffsetDateTime.parse(text(value)));
                case BINARY -> ps.setBytes(index, Base64.getDecoder().decode(text(value)));
                default -> throw new IllegalStateException(name());
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + value.asText() + "' is not a valid " + label());
        }
    }

    /** Reads a column as the JSON value a snapshot would carry. */
    public JsonNode read(ResultSet rs, int index) throws SQLException {
        Object value = switch (this) {
            case TIMESTAMP_TZ -> rs.getObject(index, OffsetDateTime.class);
            case TIMESTAMP -> rs.getObject(index, LocalDateTime.class);
            case DATE -> rs.getObject(index, LocalDate.class);
            case UUID_TYPE -> rs.getObject(index, UUID.class);
            default -> rs.getObject(index);
        };
        return RecordSnapshot.toJsonValue(value);
    }

    private String label() {
        return name().toLowerCase(Locale.ROOT).replace("_type", "").replace('_', ' ');
    }

    private String text(JsonNode value) {
        if (!value.isTextual()) {
            throw new IllegalArgumentException("expected a string for a " + label() + " column");
        }
        return value.textValue();
    }

    private static BigDecimal number(JsonNode value) {
        if (!value.isNumber()) {
            throw new IllegalArgumentException("expected a number");
        }
        return value.decimalValue();
    }

    private static BigDecimal integral(JsonNode value) {
        if (!value.isIntegralNumber()) {
            throw new IllegalArgumentException("expected an integer");
        }
        return value.decimalValue();
    }
}
