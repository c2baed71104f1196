package io.collectoffline.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.protocol.Rfc3339;
import io.collectoffline.server.Fixtures;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.config.ServerConfig;
import io.collectoffline.shipping.ChecksummedFile;
import io.collectoffline.shipping.FileHeaders;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * README, Guarantees 26: a server restored from a backup gets back what arrived by file after the backup. The
 * exporters took their receipts and will not send those files again; the files are in {@code archive/}, and the
 * watcher's first scan after a start imports again each one the database does not know.
 */
@QuarkusTest
class ArchiveAfterRestoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    FileWatcher watcher;

    @Inject
    ServerConfig config;

    @Inject
    ActiveDatabase database;

    private Path archived;

    @Test
    void anArchivedFileTheRestoredDatabaseDoesNotKnowIsImportedAgainOnceAndAKnownOneIsLeftAlone() throws Exception {
        Folders folders = Folders.of(config);
        String producer = Fixtures.producer();
        UUID batchId = UUID.randomUUID();
        List<Map<String, Object>> transactions = List.of(
                Fixtures.tx(
                        producer,
                        1,
                        "study.household",
                        "INSERT",
                        Fixtures.household(UUID.randomUUID(), Fixtures.identifier("AR"), "Archived", 0)),
                Fixtures.tx(
                        producer,
                        2,
                        "study.household",
                        "INSERT",
                        Fixtures.household(UUID.randomUUID(), Fixtures.identifier("AR"), "Archived", 0)));
        // imported before the restore: in the archive, unknown to the restored database
        archived = folders.archive().resolve("site-archive-" + batchId + ".colx");
        ChecksummedFile.write(
                archived,
                FileHeaders.Export.of(
                                "site-archive",
                                batchId,
                                null,
                                transactions.size(),
                                Rfc3339.format(Instant.now()),
                                List.of())
                        .toJson(),
                lines -> transactions.forEach(tx -> {
                    try {
                        lines.write(JSON.writeValueAsString(tx));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
        Files.setLastModifiedTime(
                archived, java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(60)));
        assertThat(stored(producer)).isZero();

        assertThat(watcher.reimportUnknownArchived(folders)).isGreaterThanOrEqualTo(1);

        assertThat(stored(producer)).isEqualTo(2);
        assertThat(Files.exists(archived)).as("stays in the archive").isTrue();
        assertThat(watcher.reimportUnknownArchived(folders)).as("known now").isZero();
        assertThat(stored(producer)).isEqualTo(2);
    }

    @AfterEach
    void removeTheFile() throws Exception {
        if (archived != null) {
            Files.deleteIfExists(archived);
        }
    }

    private long stored(String producer) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT COUNT(*) FROM incoming_transaction WHERE producer = ?")) {
            ps.setString(1, producer);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
