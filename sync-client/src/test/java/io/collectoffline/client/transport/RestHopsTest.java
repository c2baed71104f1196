package io.collectoffline.client.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.collectoffline.shipping.LinkFailure;
import io.collectoffline.shipping.RestHops;
import io.collectoffline.shipping.ServerApi;
import io.collectoffline.testing.AppProcess;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every failure of a call between nodes becomes one LinkFailure kind, with the real REST Client and real sockets:
 * nothing listening, a peer that never answers, and the HTTP statuses the engine acts on.
 */
@QuarkusTest
class RestHopsTest {

    @Test
    void nothingListeningIsUnavailable() throws IOException {
        int port = AppProcess.freePort();
        ServerApi api = RestHops.create(
                ServerApi.class,
                URI.create("http://127.0.0.1:" + port),
                "t",
                Duration.ofSeconds(2),
                Duration.ofSeconds(2));

        LinkFailure failure = catchThrowableOfType(LinkFailure.class, () -> RestHops.call(() -> api.watermark("p")));

        assertThat(failure.kind()).isEqualTo(LinkFailure.Kind.UNAVAILABLE);
        assertThat(failure.getMessage()).contains("unreachable");
    }

    @Test
    void aPeerThatNeverAnswersIsATimeout() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // read nothing, answer nothing
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            ServerApi api = RestHops.create(
                    ServerApi.class,
                    URI.create("http://127.0.0.1:" + silent.getLocalPort()),
                    "t",
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(1));

            LinkFailure failure = catchThrowableOfType(
                    LinkFailure.class, () -> RestHops.call(() -> api.send("gzip", new byte[] {1, 2, 3})));

            assertThat(failure.kind()).isEqualTo(LinkFailure.Kind.TIMEOUT);
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void httpStatusesAreClassifiedOnce() throws Exception {
        assertThat(statusFailure(413).kind()).isEqualTo(LinkFailure.Kind.TOO_LARGE);
        assertThat(statusFailure(401).kind()).isEqualTo(LinkFailure.Kind.AUTH_REFUSED);
        assertThat(statusFailure(403).kind()).isEqualTo(LinkFailure.Kind.AUTH_REFUSED);
        assertThat(statusFailure(503).kind()).isEqualTo(LinkFailure.Kind.UNAVAILABLE);
        assertThat(statusFailure(429).kind()).isEqualTo(LinkFailure.Kind.UNAVAILABLE);
        assertThat(statusFailure(400).kind()).isEqualTo(LinkFailure.Kind.REFUSED);
        assertThat(statusFailure(413).getMessage()).contains("413").contains("too big");
    }

    @Test
    void anAnswerThatCannotBeReadIsRefusedNotAnUnclassifiedError() throws Exception {
        LinkFailure failure = answerFailure(200, "this is not a watermark");

        assertThat(failure.kind()).isEqualTo(LinkFailure.Kind.REFUSED);
        assertThat(failure.getMessage()).contains("could not be read");
    }

    /** The failure of one call to a peer that answers every request with {@code status}. */
    private static LinkFailure statusFailure(int status) throws Exception {
        return answerFailure(status, "{\"title\":\"too big\"}");
    }

    /** The failure of one call to a peer that answers every request with {@code status} and {@code body}. */
    private static LinkFailure answerFailure(int status, String body) throws Exception {
        try (ServerSocket peer = new ServerSocket(0)) {
            Thread answerer = new Thread(() -> {
                try (Socket socket = peer.accept()) {
                    socket.getInputStream().read(new byte[8192]);
                    OutputStream out = socket.getOutputStream();
                    out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: "
                                    + body.length() + "\r\nConnection: close\r\n\r\n" + body)
                            .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } catch (IOException ignored) {
                    // the call saw what it saw
                }
            });
            answerer.setDaemon(true);
            answerer.start();
            ServerApi api = RestHops.create(
                    ServerApi.class,
                    URI.create("http://127.0.0.1:" + peer.getLocalPort()),
                    "t",
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(5));
            return catchThrowableOfType(LinkFailure.class, () -> RestHops.call(() -> api.watermark("p")));
        }
    }
}
