package io.collectoffline.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecordSnapshotTest {

    @Test
    void snapshotSurvivesAJsonRoundTripWithExactValues() {
        UUID id = UUID.randomUUID();
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        fields.set("id", RecordSnapshot.toJsonValue(id));
        fields.set("weight_kg", RecordSnapshot.toJsonValue(new BigDecimal("72.5")));
        fields.set("dob", RecordSnapshot.toJsonValue(LocalDate.of(1990, 2, 3)));
        fields.set("created", RecordSnapshot.toJsonValue(OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC)));
        fields.set("village", RecordSnapshot.toJsonValue(null));

        RecordSnapshot back = RecordSnapshot.fromJson(new RecordSnapshot("study.x", 2, fields).toJson());

        assertThat(back.model()).isEqualTo("study.x");
        assertThat(back.schemaVersion()).isEqualTo(2);
        assertThat(back.fields().get("id").asText()).isEqualTo(id.toString());
        assertThat(back.fields().get("weight_kg").decimalValue()).isEqualByComparingTo("72.5");
        assertThat(back.fields().get("dob").asText()).isEqualTo("1990-02-03");
        assertThat(back.fields().get("created").asText()).isEqualTo("2026-01-02T03:04:05.000000Z");
        assertThat(back.fields().get("village").isNull()).isTrue();
    }

    @Test
    void somethingElseThanASnapshotIsRefused() {
        assertThatThrownBy(() -> RecordSnapshot.fromJson("{\"a\":1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a record snapshot");
        assertThatThrownBy(() -> RecordSnapshot.fromJson("{".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not JSON");
    }
}
