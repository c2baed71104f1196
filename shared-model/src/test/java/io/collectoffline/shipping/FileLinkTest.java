package io.collectoffline.shipping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.TransactionEnvelope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export file is a pass of the engine to a {@link FileLink}: the queue's transactions in order, up to the file's
 * size, nothing answered (the receipt answers later), a checksummed file an importer verifies.
 */
class FileLinkTest {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    @TempDir
    Path dir;

    @Test
    void aPassWritesTheQueueInOrderUpToTheFilesSizeAndAnswersNothing() throws IOException {
        List<TransactionEnvelope> pending = new ArrayList<>();
        for (String producer : List.of("laptop-a", "laptop-b")) {
            for (int seq = 1; seq <= 1300; seq++) {
                pending.add(new TransactionEnvelope(
                        UUID.randomUUID(),
                        producer,
                        seq,
                        "study.household",
                        UUID.randomUUID(),
                        Action.INSERT,
                        Instant.EPOCH,
                        "k",
                        new byte[] {1},
                        null,
                        null,
                        null,
                        null));
            }
        }
        List<Integer> asked = new ArrayList<>();
        Path target = dir.resolve("site-a-1.colx");
        try (FileLink file = FileLink.open(dir, JSON, 1800)) {
            ShipReport report = Shipper.ship(
                    file.queue((after, count) -> {
                        asked.add(count);
                        return pending.stream()
                                .filter(tx -> tx.producer().compareTo(after.producer()) > 0
                                        || tx.producer().equals(after.producer()) && tx.seq() > after.seq())
                                .limit(count)
                                .toList();
                    }),
                    file,
                    500,
                    new ShipObserver() {});

            assertThat(report.accepted() + report.duplicate() + report.rejected() + report.held())
                    .as("a file answers nothing")
                    .isZero();
            assertThat(file.txIds())
                    .containsExactlyElementsOf(pending.subList(0, 1800).stream()
                            .map(TransactionEnvelope::txId)
                            .toList());
            assertThat(asked).as("never more than the file has room for").containsExactly(500, 500, 500, 300);
            assertThat(file.producers()).containsExactly("laptop-a", "laptop-b");
            file.finish(target, FileHeaders.Export.of("site-a", UUID.randomUUID(), null, 1800, "now", List.of()));
        }
        assertThat(FileHeaders.Export.read(ChecksummedFile.verify(target, ChecksummedFile.EXPORT_FORMAT))
                        .count())
                .isEqualTo(1800);
        List<String> lines = new ArrayList<>();
        ChecksummedFile.body(target, line -> lines.add(line.path("txId").asText()));
        assertThat(lines).hasSize(1800).first().isEqualTo(pending.get(0).txId().toString());
        try (var left = Files.list(dir)) {
            assertThat(left).as("the body is gone once the file stands").containsExactly(target);
        }
    }
}
