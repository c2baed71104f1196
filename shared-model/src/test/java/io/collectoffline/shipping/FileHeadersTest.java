package io.collectoffline.shipping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The file headers are records written and read in one place; what one node writes, another reads the same. */
class FileHeadersTest {

    @Test
    void anExportHeaderReadsBackAsWritten() {
        FileHeaders.Export written =
                FileHeaders.Export.of("site-a", UUID.randomUUID(), null, 42, "2026-12-05T10:00:00Z", List.of());
        ObjectNode json = written.toJson();

        assertThat(json.path("format").asText()).isEqualTo(ChecksummedFile.EXPORT_FORMAT);
        assertThat(json.has("previousBatchId"))
                .as("a first file says it has no predecessor")
                .isTrue();
        assertThat(FileHeaders.Export.read(json)).isEqualTo(written);
    }

    @Test
    void aReceiptReadsBackAsWrittenAndOneWhoseRefusalNamesNoTransactionIsUnusable() {
        FileHeaders.Receipt written = new FileHeaders.Receipt(
                UUID.randomUUID(),
                "laptop-1",
                "site-a",
                "2026-12-05T10:00:00Z",
                4,
                1,
                1,
                List.of(
                        new FileHeaders.Refused(UUID.randomUUID(), "too large"),
                        new FileHeaders.Refused(
                                UUID.randomUUID(),
                                "seq 3 is held with another transaction",
                                io.collectoffline.protocol.TransactionResult.SEQ_TAKEN)),
                null);
        ObjectNode json = written.toJson();
        assertThat(json.path("rejected").get(0).has("type"))
                .as("a refusal without a type is written as before")
                .isFalse();
        assertThat(FileHeaders.Receipt.read(json)).isEqualTo(written);
        assertThat(json.has("accounts"))
                .as("a server's file gets no account list")
                .isFalse();
        ObjectNode accounts = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        accounts.put("issued", "2026-12-05T10:00:00Z").putArray("accounts");
        FileHeaders.Receipt forALaptop = new FileHeaders.Receipt(
                written.batchId(), "laptop-1", "site-a", "2026-12-05T10:00:00Z", 3, 1, 1, written.rejected(), accounts);
        assertThat(FileHeaders.Receipt.read(forALaptop.toJson())).isEqualTo(forALaptop);

        ((com.fasterxml.jackson.databind.node.ArrayNode) json.path("rejected"))
                .addObject()
                .put("txId", "x' OR 1=1");
        assertThatThrownBy(() -> FileHeaders.Receipt.read(json))
                .isInstanceOf(ChecksummedFile.UnusableFileException.class)
                .hasMessageContaining("names no transaction");
    }

    @Test
    void valuesAHeaderLacksReadAsUnknown() {
        FileHeaders.Export export =
                FileHeaders.Export.read(new ObjectNode(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance)
                        .put("batchId", "not-a-uuid"));
        assertThat(export.batchId()).isNull();
        assertThat(export.node()).isNull();
        assertThat(export.count()).isEqualTo(-1);
    }
}
