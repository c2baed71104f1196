package io.collectoffline.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the operating system and the databases say of a full disk is what both apps answer 507 disk-full; other
 * failures are not. The write to a full disk is a real one: {@code /dev/full} fails every write as a full disk does
 * (ClientStartupIT fills a real one under a running laptop).
 */
class DiskFullTest {

    @TempDir
    Path dir;

    @Test
    void aWriteToAFullDiskIsDiskFullHoweverDeepTheDatabaseWrapsIt() {
        assumeThat(Path.of("/dev/full")).exists();
        IOException full = writeTo(Path.of("/dev/full"));

        assertThat(DiskFull.is(full)).as(full.getMessage()).isTrue();
        // as H2 passes it on: an SQLException, caused by its store's exception, caused by the write
        assertThat(DiskFull.is(new SQLException("General error", "HY000", new IllegalStateException("write", full))))
                .isTrue();
        assertThat(DiskFull.is(new UncheckedIOException(full))).isTrue();
        // as a failed commit comes: the transaction manager's exception, the database's suppressed in it
        Exception rollback = new IllegalStateException("Could not commit transaction");
        rollback.addSuppressed(new SQLException("General error", "HY000", full));
        assertThat(DiskFull.is(new RuntimeException(rollback))).isTrue();
        // as a failed JDBC batch comes: the statement's exception chained as the next one
        java.sql.BatchUpdateException batch = new java.sql.BatchUpdateException("IO Exception", "90028", 0, null);
        batch.setNextException(new SQLException("IO Exception", "90028", full));
        assertThat(DiskFull.is(new IllegalStateException("storing batch failed", batch)))
                .isTrue();
    }

    @Test
    void postgresqlsDiskFullStateIsDiskFull() {
        assertThat(DiskFull.is(new RuntimeException(new SQLException("could not extend file", "53100"))))
                .isTrue();
    }

    @Test
    void otherFailuresAreNot() throws IOException {
        IOException notAFile = writeTo(Files.createDirectories(dir.resolve("a-folder")));

        assertThat(DiskFull.is(notAFile)).as(notAFile.getMessage()).isFalse();
        assertThat(DiskFull.is(new SQLException("duplicate key", "23505"))).isFalse();
        assertThat(DiskFull.is(new SQLException("insufficient resources", "53200")))
                .isFalse();
        assertThat(DiskFull.is(new IOException((String) null))).isFalse();
        assertThat(DiskFull.is(null)).isFalse();
    }

    @Test
    void theAnswerIs507AndSaysWhatToDo() { // the status the apps send: ClientStartupIT
        Problem problem = DiskFull.problem("/api/v1/records/study.household");
        assertThat(problem.status()).isEqualTo(507);
        assertThat(problem.type()).isEqualTo("urn:collect-offline:problem:disk-full");
        assertThat(problem.detail())
                .contains("nothing of this request was saved")
                .contains("Free space");
    }

    private static IOException writeTo(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4096));
            channel.force(true);
        } catch (IOException e) {
            return e;
        }
        throw new AssertionError("writing to " + file + " did not fail");
    }
}
