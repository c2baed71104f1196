package io.collectoffline.shipping;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code files} command of both CLIs (server and laptop): asks the running node to export, uploads a file to
 * import with a progress bar, or hands it a receipt. Through the node's API, so the same path and the same locks
 * apply as for its folders and pages. Both nodes serve the same paths ({@code /api/v1/files…}).
 */
public final class FileCommand {

    /** What to do. */
    public enum Action {
        export, importFile, receipt, status
    }

    private FileCommand() {
    }

    /**
     * Runs {@code action} against the node at {@code base}, with {@code token} as bearer (null: none); prints the
     * node's answer and returns the exit code (0 done, 1 refused or unreachable, 2 bad usage).
     */
    public static int run(Action action, Path file, boolean includeUnconfirmed, URI base, String token,
            PrintStream out, PrintStream err) {
        String url = base.toString().replaceAll("/+$", "");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpRequest.Builder request;
            switch (action) {
                case export -> request = HttpRequest.newBuilder(URI.create(url + "/api/v1/files/export"
                        + (includeUnconfirmed ? "?includeUnconfirmed=true" : "")))
                        .POST(HttpRequest.BodyPublishers.noBody());
                case status -> request = HttpRequest.newBuilder(URI.create(url + "/api/v1/files")).GET();
                default -> {
                    if (file == null || !Files.isRegularFile(file)) {
                        err.println("files " + (action == Action.importFile ? "import" : "receipt")
                                + " needs an existing FILE");
                        return 2;
                    }
                    long size = Files.size(file);
                    request = HttpRequest.newBuilder(URI.create(url + (action == Action.importFile ? "/api/v1/files"
                            : "/api/v1/files/receipts"))).header("Content-Type", "application/octet-stream")
                            .header("X-File-Name", file.getFileName().toString())
                            .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                                    () -> progress(open(file), size, out)), size));
                }
            }
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> response = http.send(request.timeout(Duration.ofHours(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            out.println();
            out.println(response.body());
            return response.statusCode() / 100 == 2 ? 0 : 1;
        } catch (IOException e) {
            err.println("the node at " + url + " could not be reached: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static InputStream open(Path file) {
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Prints a bar as the bytes go out: {@code [#########           ]  45%  12.3 of 27.0 MB}. */
    private static InputStream progress(InputStream in, long size, PrintStream out) {
        return new FilterInputStream(in) {
            private long sent;
            private int shown = -1;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    sent += n;
                    int percent = size == 0 ? 100 : (int) (sent * 100 / size);
                    if (percent != shown) {
                        shown = percent;
                        out.printf("\r[%-20s] %3d%%  %.1f of %.1f MB", "#".repeat(percent / 5), percent,
                                sent / 1e6, size / 1e6);
                    }
                }
                return n;
            }
        };
    }
}
