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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The {@code files} subcommands of both CLIs (server and laptop): ask the running node to export, upload a file to
 * import with a progress bar, hand it a receipt, or list its files. Through the node's API, so the same path and the
 * same locks apply as for its folders and pages; both nodes serve the same paths ({@code /api/v1/files…}). Each
 * CLI's {@code files} command is the {@link Node} these subcommands talk to.
 */
public final class FileCommand {

    /** The node a {@code files} subcommand talks to: each CLI's {@code files} command says where and as whom. */
    public interface Node {

        /** The node's base URL when {@code --url} is not given. */
        String defaultUrl();

        /**
         * The bearer token to send, null for none.
         *
         * @throws picocli.CommandLine.ParameterException when one is needed and not configured
         */
        String token();
    }

    /** What every subcommand takes: where the node is. */
    abstract static class OnNode implements Callable<Integer> {

        @ParentCommand
        Node node;

        @Option(names = "--url", description = "the node's base URL")
        String url;

        Integer run(String method, String path, Path upload) {
            return FileCommand.run(
                    method,
                    path,
                    upload,
                    URI.create(url != null ? url : node.defaultUrl()),
                    node.token(),
                    System.out,
                    System.err);
        }
    }

    /** {@code files export [--include-unconfirmed]}. */
    @Command(name = "export", description = "Write what is pending into an export file (its outgoing folder)")
    public static final class Export extends OnNode {

        @Option(
                names = "--include-unconfirmed",
                description = "also what earlier files carried without a receipt " + "(a lost stick)")
        boolean unconfirmed;

        @Override
        public Integer call() {
            return run("POST", "/api/v1/files/export" + (unconfirmed ? "?includeUnconfirmed=true" : ""), null);
        }
    }

    /** {@code files import FILE}. */
    @Command(name = "import", description = "Upload an export file to import, with a progress bar")
    public static final class Import extends OnNode {

        @Parameters(index = "0", paramLabel = "FILE", description = "the export file")
        Path file;

        @Override
        public Integer call() {
            return run("POST", "/api/v1/files", file);
        }
    }

    /** {@code files receipt FILE}. */
    @Command(name = "receipt", description = "Hand the node the importer's receipt of one of its files")
    public static final class Receipt extends OnNode {

        @Parameters(index = "0", paramLabel = "FILE", description = "the receipt")
        Path file;

        @Override
        public Integer call() {
            return run("POST", "/api/v1/files/receipts", file);
        }
    }

    /** {@code files status}. */
    @Command(name = "status", description = "The node's export files (and, on a server, imports and quarantine)")
    public static final class Status extends OnNode {

        @Override
        public Integer call() {
            return run("GET", "/api/v1/files", null);
        }
    }

    private FileCommand() {}

    /**
     * Calls {@code method path} on the node at {@code base} (uploading {@code upload}, if any, with a progress bar),
     * with {@code token} as bearer (null: none); prints the node's answer and returns the exit code (0 done, 1
     * refused or unreachable, 2 bad usage).
     */
    static int run(String method, String path, Path upload, URI base, String token, PrintStream out, PrintStream err) {
        String url = base.toString().replaceAll("/+$", "");
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path));
            if (upload != null) {
                if (!Files.isRegularFile(upload)) {
                    err.println(upload + " is not a file");
                    return 2;
                }
                long size = Files.size(upload);
                request.header("Content-Type", "application/octet-stream")
                        .header("X-File-Name", upload.getFileName().toString())
                        .POST(HttpRequest.BodyPublishers.fromPublisher(
                                HttpRequest.BodyPublishers.ofInputStream(() -> progress(open(upload), size, out)),
                                size));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> response =
                    http.send(request.timeout(Duration.ofHours(2)).build(), HttpResponse.BodyHandlers.ofString());
            out.println();
            out.println(response.body());
            return response.statusCode() / 100 == 2 ? 0 : 1;
        } catch (IOException e) {
            err.println("the node at " + url + " could not be reached: "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
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
                        out.printf(
                                "\r[%-20s] %3d%%  %.1f of %.1f MB",
                                "#".repeat(percent / 5), percent, sent / 1e6, size / 1e6);
                    }
                }
                return n;
            }
        };
    }
}
