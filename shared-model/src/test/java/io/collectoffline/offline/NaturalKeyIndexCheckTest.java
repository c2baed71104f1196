package io.collectoffline.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs the shipped study migration on an in-memory H2 database and checks natural keys against it. */
class NaturalKeyIndexCheckTest {

    @Test
    void studyMigrationMakesEveryNaturalKeyUnique() throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:nk1;DB_CLOSE_DELAY=-1")) {
            runStudyMigration(connection);
            OfflineModelRegistry registry = OfflineModelRegistry.of(OfflineModelRegistryTest.STUDY);

            assertThat(NaturalKeyIndexCheck.problems(connection, registry.models()))
                    .isEmpty();
        }
    }

    @Test
    void naturalKeyWithoutUniqueConstraintIsRefusedNamingTheModel() throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:nk2;DB_CLOSE_DELAY=-1");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE gadget (id UUID PRIMARY KEY, code VARCHAR(10) NOT NULL)");
            ModelDescriptor gadget = new ModelDescriptor(
                    "test.gadget",
                    OfflineEntity.class,
                    "gadget",
                    List.of("code"),
                    List.of("code"),
                    1,
                    Map.of("code", "code"),
                    Map.of(),
                    false);

            assertThat(NaturalKeyIndexCheck.problems(connection, List.of(gadget)))
                    .singleElement()
                    .asString()
                    .contains("test.gadget")
                    .contains("natural key (code) is not unique");
        }
    }

    @Test
    void missingTableIsRefusedNamingTheModel() throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:nk3;DB_CLOSE_DELAY=-1")) {
            ModelDescriptor gadget = new ModelDescriptor(
                    "test.gadget",
                    OfflineEntity.class,
                    "gadget",
                    List.of("code"),
                    List.of("code"),
                    1,
                    Map.of("code", "code"),
                    Map.of(),
                    false);

            assertThat(NaturalKeyIndexCheck.problems(connection, List.of(gadget)))
                    .singleElement()
                    .asString()
                    .contains("test.gadget")
                    .contains("table 'gadget' does not exist");
        }
    }

    static void runStudyMigration(Connection connection) throws Exception {
        for (String file : List.of("V1__study_domain.sql", "V25__study_visit_definition.sql")) {
            String sql;
            try (var in = NaturalKeyIndexCheckTest.class.getResourceAsStream("/db/study/" + file)) {
                sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            try (Statement statement = connection.createStatement()) {
                for (String part : sql.replaceAll("(?m)^--.*$", "").split(";")) {
                    if (!part.isBlank()) {
                        statement.execute(part);
                    }
                }
            }
        }
    }
}
