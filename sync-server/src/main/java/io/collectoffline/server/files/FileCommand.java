package io.collectoffline.server.files;

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
 * {@code java -jar sync-server/target/quarkus-app/quarkus-run.jar files <export|import FILE|receipt FILE|status>
 * [--url URL] [--include-unconfirmed]}: asks the running server (admin token from {@code SYNC_SERVER_ADMIN_TOKEN})
 * to export, uploads a file to import with a progress bar, or hands it a receipt. Through the server, so the same
 * path and the same database locks apply as for the inbox folder.
 */
public final class FileCommand {

    private FileCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String url = System.getenv().getOrDefault("SYNC_SERVER_URL", "http://127.0.0.1:8080");
        String token = System.getenv("SYNC_SERVER_ADMIN_TOKEN");
        String action = args.length > 1 ? args[1] : "";
        Path file = null;
        boolean unconfirmed = false;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> url = i + 1 < args.length ? args[++i] : url;
                case "--include-unconfirmed" -> unconfirmed = true;
                default -> file = Path.of(args[i]);
            }
        }
        if (token == null || token.isBlank()) {
            err.println("set SYNC_SERVER_ADMIN_TOKEN to the server's admin token");
            return 2;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpRequest.Builder request;
            switch (action) {
                case "export" -> request = HttpRequest.newBuilder(URI.create(url + "/api/v1/files/export"
                        + (unconfirmed ? "?includeUnconfirmed=true" : ""))).POST(HttpRequest.BodyPublishers.noBody());
                case "status" -> request = HttpRequest.newBuilder(URI.create(url + "/api/v1/files")).GET();
                case "import", "receipt" -> {
                    if (file == null || !Files.isRegularFile(file)) {
                        err.println("files " + action + " needs an existing FILE");
                        return 2;
                    }
                    long size = Files.size(file);
                    Path upload = file;
                    request = HttpRequest.newBuilder(URI.create(url + (action.equals("import") ? "/api/v1/files"
                            : "/api/v1/files/receipts"))).header("Content-Type", "application/octet-stream")
                            .header("X-File-Name", file.getFileName().toString())
                            .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                                    () -> progress(open(upload), size, out)), size));
                }
                default -> {
                    err.println("usage: files <export [--include-unconfirmed] | import FILE | receipt FILE | status> "
                            + "[--url URL]   (admin token in SYNC_SERVER_ADMIN_TOKEN, URL default " + url + ")");
                    return 2;
                }
            }
            HttpResponse<String> response = http.send(request.header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofHours(2)).build(), HttpResponse.BodyHandlers.ofString());
            out.println();
            out.println(response.body());
            return response.statusCode() / 100 == 2 ? 0 : 1;
        } catch (IOException e) {
            err.println("the server at " + url + " could not be reached: " + e.getMessage());
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
