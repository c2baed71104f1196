package io.collectoffline.shipping;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code files} subcommands both CLIs share, parsed by picocli and run against a real HTTP endpoint. */
class FileCommandTest {

    private HttpServer node;
    private final List<String> seen = new ArrayList<>();
    private int answer = 200;

    @TempDir
    Path dir;

    @BeforeEach
    void startNode() throws IOException {
        node = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        node.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization") + " "
                    + exchange.getRequestHeaders().getFirst("X-File-Name") + " "
                    + new String(body, StandardCharsets.UTF_8));
            byte[] reply = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        node.start();
    }

    @AfterEach
    void stopNode() {
        node.stop(0);
    }

    /** A CLI's {@code files} command: the node these subcommands talk to. */
    @CommandLine.Command(
            name = "files",
            subcommands = {
                FileCommand.Export.class,
                FileCommand.Import.class,
                FileCommand.Receipt.class,
                FileCommand.Status.class
            })
    static class FilesCommand implements FileCommand.Node {
        final String url;

        FilesCommand(String url) {
            this.url = url;
        }

        @Override
        public String defaultUrl() {
            return url;
        }

        @Override
        public String token() {
            return "t0k";
        }
    }

    private int files(String... args) {
        return new CommandLine(
                        new FilesCommand("http://127.0.0.1:" + node.getAddress().getPort()))
                .execute(args);
    }

    @Test
    void eachSubcommandCallsItsPathWithTheTokenAndUploadsTheFile() throws IOException {
        Path export = Files.writeString(dir.resolve("site-a-1.colx"), "file content");

        assertThat(files("import", export.toString())).isZero();
        assertThat(files("export", "--include-unconfirmed")).isZero();
        assertThat(files("status")).isZero();

        assertThat(seen)
                .containsExactly(
                        "POST /api/v1/files Bearer t0k site-a-1.colx file content",
                        "POST /api/v1/files/export?includeUnconfirmed=true Bearer t0k null ",
                        "GET /api/v1/files Bearer t0k null ");
    }

    @Test
    void aRefusalUnreachableNodeOrMissingFileIsANonZeroExit() throws IOException {
        answer = 400;
        assertThat(files(
                        "receipt",
                        Files.writeString(dir.resolve("r.receipt"), "x").toString()))
                .isEqualTo(1);
        assertThat(files("import", dir.resolve("absent.colx").toString())).isEqualTo(2);
        assertThat(files("import")).as("no FILE").isEqualTo(2);
        assertThat(files("status", "--url", "http://127.0.0.1:1")).isEqualTo(1);
    }
}
