package io.collectoffline.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The one way instants are written, by the laptop and the server alike: RFC 3339 in UTC, always with seconds and six
 * fraction digits ({@code 2026-11-27T08:00:00.000000Z}). {@code toString()} dropped zero seconds and trailing zeros
 * ({@code …T08:00Z}, five or six digits), so the same instant read differently on two nodes. Microseconds are what
 * PostgreSQL and H2 keep.
 */
public final class Rfc3339 {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private Rfc3339() {}

    public static String format(Instant instant) {
        return FORMAT.format(instant.truncatedTo(ChronoUnit.MICROS));
    }

    public static String format(OffsetDateTime time) {
        return format(time.toInstant());
    }

    /** Jackson serializers writing {@link Instant}, {@link OffsetDateTime} and {@link ZonedDateTime} this way. */
    public static SimpleModule jacksonModule() {
        SimpleModule module = new SimpleModule("rfc3339");
        module.addSerializer(Instant.class, new JsonSerializer<>() {
            @Override
            public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(format(value));
            }
        });
        module.addSerializer(OffsetDateTime.class, new JsonSerializer<>() {
            @Override
            public void serialize(OffsetDateTime value, JsonGenerator gen, SerializerProvider provider)
                    throws IOException {
                gen.writeString(format(value));
            }
        });
        module.addSerializer(ZonedDateTime.class, new JsonSerializer<>() {
            @Override
            public void serialize(ZonedDateTime value, JsonGenerator gen, SerializerProvider provider)
                    throws IOException {
                gen.writeString(format(value.toInstant()));
            }
        });
        return module;
    }
}
