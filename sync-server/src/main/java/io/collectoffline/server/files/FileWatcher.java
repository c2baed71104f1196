package io.collectoffline.server.files;

import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.config.ServerConfig;
import io.collectoffline.server.store.JobLock;
import io.collectoffline.shipping.ChecksummedFile;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Watches {@code inbox/} for export files and {@code receipts-inbox/} for receipts. Each file is imported (or
 * taken) and moved to {@code archive/}; one that cannot be used moves to {@code quarantine/} with a
 * {@code .reason} file and a row for the admin, and the watcher goes on with the next. Files changed in the last
 * two seconds are left for the next round (still being copied).
 */
@ApplicationScoped
public class FileWatcher {

    private final ServerConfig config;
    private final ImportService imports;
    private final ExportService exports;
    private final ActiveDatabase database;

    private final JobLock jobs;
    /** Whether the archive was compared with the database since this start ({@link #reimportUnknownArchived}). */
    private volatile boolean archiveChecked;

    FileWatcher(
            ServerConfig config, ImportService imports, ExportService exports, ActiveDatabase database, JobLock jobs) {
        this.jobs = jobs;
        this.config = config;
        this.imports = imports;
        this.exports = exports;
        this.database = database;
    }

    @Scheduled(
            every = "{sync.server.files.watch-interval}",
            delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scan() {
        // one instance at a time reads the inbox folders, however many share the database (and the folders)
        Optional<JobLock.Held> lock = jobs.tryLock("inbox");
        if (lock.isEmpty()) {
            return;
        }
        try (JobLock.Held held = lock.get()) {
            scanLocked();
        }
    }

    private void scanLocked() {
        Folders folders = Folders.of(config);
        if (!archiveChecked) {
            reimportUnknownArchived(folders);
            archiveChecked = true;
        }
        for (Path file : ready(folders.inbox(), ".colx")) {
            handle(
                    folders,
                    file,
                    () -> imports.importFile(file, file.getFileName().toString()));
        }
        for (Path file : ready(folders.receiptsInbox(), ".receipt")) {
            handle(folders, file, () -> exports.takeReceipt(file));
        }
    }

    /**
     * Imports again the export files in {@code archive/} whose import this database does not know: it was restored
     * from a backup taken before them, and the exporters hold their receipts, so nobody would send them again (README,
     * Guarantees 26). What the database still holds is DUPLICATE; a new receipt is written as for any import. Files
     * stay in the archive. Returns how many were imported again.
     */
    int reimportUnknownArchived(Folders folders) {
        List<Path> unknown = new ArrayList<>();
        for (Path file : ready(folders.archive(), ".colx")) {
            UUID batchId = imports.batchIdOf(file);
            if (batchId != null && !imports.knows(batchId)) {
                unknown.add(file);
            }
        }
        if (unknown.isEmpty()) {
            return 0;
        }
        Log.warnf(
                "%d files in %s were imported before, but this database does not know them (restored from a backup?): "
                        + "importing them again",
                unknown.size(), folders.archive());
        int imported = 0;
        for (Path file : unknown) {
            try {
                imports.importFile(file, file.getFileName().toString());
                imported++;
            } catch (ChecksummedFile.UnusableFileException | io.collectoffline.protocol.InvalidInputException e) {
                Log.warnf("Archived file %s could not be imported again: %s", file, e.getMessage());
            } catch (IOException | RuntimeException e) {
                Log.errorf(e, "Could not import %s again; tried again at the next start", file);
            }
        }
        return imported;
    }

    /** Something that reads a file and may find it unusable. */
    interface FileJob {
        Object run() throws IOException;
    }

    private void handle(Folders folders, Path file, FileJob job) {
        try {
            job.run();
            Files.move(file, folders.archive().resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        } catch (ChecksummedFile.UnusableFileException | io.collectoffline.protocol.InvalidInputException e) {
            quarantine(folders, file, e.getMessage());
        } catch (IOException | RuntimeException e) {
            Log.errorf(e, "Could not process %s; it stays in the inbox for the next round", file);
        }
    }

    /** Moves an unusable file aside with its reason, for the admin; nothing of it was used. */
    void quarantine(Folders folders, Path file, String reason) {
        try {
            Path target = folders.quarantine().resolve(file.getFileName());
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(target.resolveSibling(file.getFileName() + ".reason"), reason + "\n");
        } catch (IOException e) {
            Log.errorf(e, "Could not move %s to quarantine", file);
        }
        record(file.getFileName().toString(), reason);
        Log.warnf("Quarantined %s: %s", file.getFileName(), reason);
    }

    void record(String name, String reason) {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO quarantined_file (file_name, reason, " + "quarantined_at) VALUES (?, ?, ?)")) {
            ps.setString(1, name.length() <= 200 ? name : name.substring(0, 200));
            ps.setString(2, reason.length() <= 2000 ? reason : reason.substring(0, 2000));
            ps.setObject(3, OffsetDateTime.now(ZoneOffset.UTC));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("recording quarantined file " + name + " failed", e);
        }
    }

    private static List<Path> ready(Path dir, String suffix) {
        Instant settled = Instant.now().minusSeconds(2);
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix) && Files.isRegularFile(f))
                    .filter(f -> {
                        try {
                            return Files.getLastModifiedTime(f).toInstant().isBefore(settled);
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            Log.errorf(e, "Could not list %s", dir);
            return List.of();
        }
    }
}
