package io.collectoffline.server.files;

import io.collectoffline.server.config.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The file-transfer folders under {@code sync.server.files.dir}, created on first use. */
record Folders(Path root) {

    static Folders of(ServerConfig config) {
        return new Folders(Path.of(config.files().dir()));
    }

    Path outgoing() {
        return dir("outgoing");
    }

    Path inbox() {
        return dir("inbox");
    }

    Path archive() {
        return dir("archive");
    }

    Path quarantine() {
        return dir("quarantine");
    }

    Path receipts() {
        return dir("receipts");
    }

    Path receiptsInbox() {
        return dir("receipts-inbox");
    }

    private Path dir(String name) {
        try {
            return Files.createDirectories(root.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("creating " + root.resolve(name) + " failed", e);
        }
    }
}
