package io.collectoffline.server;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The published API is a contract with integrators: the generated OpenAPI document must equal the committed
 * snapshot. After an intended change, regenerate it with
 * {@code mvn -pl sync-server verify -Dopenapi.snapshot.update=true} and commit it with the change.
 */
@QuarkusTest
class OpenApiSnapshotTest {

    private static final Path SNAPSHOT = Path.of("src", "test", "resources", "openapi-snapshot.json");

    @Test
    void generatedSpecEqualsTheCommittedSnapshot() throws Exception {
        ObjectMapper json = new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        JsonNode generated = json.readTree(given().queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        String rendered = json.writeValueAsString(json.treeToValue(generated, Object.class)) + "\n";
        if (Boolean.getBoolean("openapi.snapshot.update")) {
            Files.writeString(SNAPSHOT, rendered, StandardCharsets.UTF_8);
        }
        assertThat(Files.exists(SNAPSHOT)).as("committed snapshot " + SNAPSHOT).isTrue();
        assertThat(rendered)
                .as("the OpenAPI document changed; if intended, regenerate the snapshot with "
                        + "-Dopenapi.snapshot.update=true and commit it")
                .isEqualTo(Files.readString(SNAPSHOT, StandardCharsets.UTF_8));
    }

    @Test
    void everyOperationDocumentsItsErrorsAsProblemJson() throws Exception {
        JsonNode spec = new ObjectMapper()
                .readTree(given().queryParam("format", "json")
                        .get("/q/openapi")
                        .then()
                        .extract()
                        .asString());
        assertThat(spec.at("/paths/~1api~1v1~1batches/post/responses/413/content")
                        .has("application/problem+json"))
                .isTrue();
        assertThat(spec.at("/paths/~1api~1v1~1batches/post/requestBody/content/application~1json/examples")
                        .isMissingNode())
                .isFalse();
    }
}
