package io.collectoffline.server.files;

import io.collectoffline.server.config.ServerConfig;
import io.collectoffline.shipping.ChecksummedFile;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * Files that arrive over HTTP instead of the inbox folder: saved, then handled exactly like a watched file (and
 * archived or quarantined the same way). Names are reduced to a safe file name: no path from a client is used.
 */
@ApplicationScoped
public class Uploads {

    private final ServerConfig config;
    private final ImportService imports;
    private final ExportService exports;
    private final FileWatcher watcher;

    Uploads(ServerConfig config, ImportService imports, ExportService exports, FileWatcher watcher) {
        this.config = config;
        this.imports = imports;
        this.exports = exports;
        this.watcher = watcher;
    }

    public ImportService.ImportReport importFile(InputStream body, String name) throws IOException {
        Folders folders = Folders.of(config);
        Path file = save(folders, body, safeName(name, ".colx"));
        try {
            ImportService.ImportReport report =
                    imports.importFile(file, file.getFileName().toString());
            Files.move(file, folders.archive().resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            return report;
        } catch (ChecksummedFile.UnusableFileException e) {
            watcher.quarantine(folders, file, e.getMessage());
            throw new FileRefusedException("The file was quarantined: " + e.getMessage());
        }
    }

    public ExportService.ReceiptReport takeReceipt(InputStream body, String name) throws IOException {
        Folders folders = Folders.of(config);
        Path file = save(folders, body, safeName(name, ".receipt"));
        try {
            ExportService.ReceiptReport report = exports.takeReceipt(file);
            Files.move(file, folders.archive().resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            return report;
        } catch (ChecksummedFile.UnusableFileException e) {
            watcher.quarantine(folders, file, e.getMessage());
            throw new FileRefusedException("The receipt was quarantined: " + e.getMessage());
        }
    }

    private static Path save(Folders folders, InputStream body, String name) throws IOException {
        Path file = folders.root().resolve("uploads");
        Files.createDirectories(file);
        Path target = file.resolve(name);
        Files.copy(body, target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /** Keeps letters, digits, '.', '_' and '-' of the last path segment; the rest (and any path) is dropped. */
    static String safeName(String name, String suffix) {
        String base = name == null ? "" : name.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1)
                .replaceAll("[^A-Za-z0-9._-]", "_")
                .replaceAll("^\\.+", "");
        if (base.isBlank()) {
            base = "upload-" + UUID.randomUUID();
        }
        if (base.length() > 150) {
            base = base.substring(0, 150);
        }
        return base.endsWith(suffix) ? base : base + suffix;
    }
}
