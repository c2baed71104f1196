package io.collectoffline.server;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.collectoffline.server.config.ActiveDatabase;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/** The server starts on the real PostgreSQL and migrates the study schema. */
@QuarkusTest
class ServerStartupTest {

    @Inject
    ActiveDatabase database;

    @Test
    void serverRunsOnPostgresqlWithTheStudySchema() throws Exception {
        assertThat(database.isPostgresql()).isTrue();
        try (Connection connection = database.dataSource().getConnection();
                ResultSet rs = connection.getMetaData().getTables(null, "public", "subject_visit", null)) {
            assertThat(connection.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
            assertThat(rs.next()).isTrue();
        }
        given().get("/q/health/ready").then().statusCode(200);
    }
}
