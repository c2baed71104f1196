package io.collectoffline.client.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpServer;
import io.collectoffline.protocol.ItemManifest;
import io.collectoffline.shipping.LinkFailure;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A middleman reading a hostile or broken field laptop: whatever it answers, the call ends in a classified
 * {@link LinkFailure} (the pull is not done, nothing stored) or in a manifest the middleman can store — never in an
 * exception nobody classified (a 500 on the middleman's page).
 */
@QuarkusTest
class FieldLaptopClientTest {

    @Inject
    FieldLaptopClient field;

    private HttpServer laptop;
    private final Map<String, String> answers = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        laptop = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        laptop.createContext("/", exchange -> {
            byte[] body = answers.getOrDefault(exchange.getRequestURI().getPath(), "{}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        laptop.start();
    }

    @AfterEach
    void stop() {
        laptop.stop(0);
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + laptop.getAddress().getPort());
    }

    @Test
    void anUnreadableOrUnusableManifestOrPageIsAClassifiedFailure() {
        String[] garbage = {
            "{\"producer\": \"x\", \"requisitions\": [\"a string\", 5]}",
            "[1, 2",
            "\"just a string\"",
            "not json at all",
            "{}",
            "{\"producer\": \"x\", \"transactions\": [null]}",
            "null"
        };
        for (String answer : garbage) {
            String token = "t" + answer.hashCode();
            answers.put("/api/v1/outbox/manifest", answer);
            answers.put("/api/v1/outbox", answer);
            if (!answer.contains("transactions")) { // a manifest that lists nothing is a valid one
                assertThat(catchThrowable(() -> field.manifest(url(), token)))
                        .as("manifest " + answer)
                        .isInstanceOf(LinkFailure.class);
            }
            assertThat(catchThrowable(() -> field.outbox(url(), token, null, 0, 10)))
                    .as("page " + answer)
                    .isInstanceOf(LinkFailure.class);
        }
    }

    @Test
    void aManifestWithoutItemsIsAnEmptyManifest() {
        answers.put("/api/v1/outbox/manifest", "{\"producer\": \"field-1\"}");
        ItemManifest manifest = field.manifest(url(), "empty");
        assertThat(manifest.producer()).isEqualTo("field-1");
        assertThat(manifest.items()).isEmpty();
    }
}
