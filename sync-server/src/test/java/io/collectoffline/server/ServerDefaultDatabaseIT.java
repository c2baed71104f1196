package io.collectoffline.server;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.collectoffline.testing.AppProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Smoke test of the quick start: the packaged server with no configuration runs on its embedded H2 file. */
class ServerDefaultDatabaseIT {

    @TempDir
    Path dir;

    @Test
    void packagedServerStartsOnTheEmbeddedDatabaseWithNothingConfigured() throws Exception {
        try (AppProcess server = AppProcess.start(dir).awaitReady()) {
            given().baseUri(server.baseUrl()).get("/q/health/ready").then().statusCode(200);
            assertThat(server.output()).contains("jdbc:h2:file:./data/server/collect-offline");
        }
        assertThat(dir.resolve("data/server/collect-offline.mv.db")).exists();
    }
}
