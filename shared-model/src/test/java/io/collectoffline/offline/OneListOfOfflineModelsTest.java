package io.collectoffline.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.collectoffline.study.HouseholdV1Upcaster;
import io.collectoffline.study.StudyModels;
import io.collectoffline.study.Subject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One list of offline models serves both sides (issue 16 item 7): the published {@link OfflineModelSet}s. The laptop
 * refuses to start when its JPA entities disagree with it, and the native image's reflection registrations are
 * derived from it, not written by hand.
 */
class OneListOfOfflineModelsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theNativeRegistrationsAreDerivedFromThePublishedModelSets() {
        List<Class<?>> registered =
                OfflineModelsFeature.classesToRegister(getClass().getClassLoader());
        assertThat(registered)
                .containsAll(new StudyModels().models())
                .contains(StudyModels.class, HouseholdV1Upcaster.class, OfflineEntity.class)
                .doesNotHaveDuplicates();
    }

    @Test
    void neitherAppListsStudyClassesByHandAndBothEnableTheFeature() throws IOException {
        for (String app : List.of("sync-client", "sync-server")) {
            try (var files = Files.walk(ROOT.resolve(app).resolve("src/main/java"))) {
                Path registrations = files.filter(f -> f.endsWith("NativeRegistrations.java"))
                        .findFirst()
                        .orElseThrow();
                assertThat(Files.readString(registrations))
                        .as(registrations.toString())
                        .doesNotContain("io.collectoffline.study");
            }
            assertThat(Files.readString(ROOT.resolve(app).resolve("src/main/resources/application.properties")))
                    .contains("--features=" + OfflineModelsFeature.class.getName());
        }
    }

    @Test
    void entitiesThatDisagreeWithThePublishedModelsAreNamed() {
        List<Class<?>> published = new ArrayList<>(new StudyModels().models());
        List<Class<?>> entities = new ArrayList<>(published);
        assertThat(OfflineModelSet.disagreements(published, entities)).isEmpty();
        entities.add(String.class); // an entity that is not an offline model is no disagreement
        assertThat(OfflineModelSet.disagreements(published, entities)).isEmpty();

        entities.remove(Subject.class);
        assertThat(OfflineModelSet.disagreements(published, entities))
                .singleElement()
                .asString()
                .contains(Subject.class.getName(), "not an entity of this application");

        published.remove(Subject.class);
        entities.add(Subject.class);
        assertThat(OfflineModelSet.disagreements(published, entities))
                .singleElement()
                .asString()
                .contains(Subject.class.getName(), "no OfflineModelSet publishes");
        assertThatThrownBy(() -> OfflineModelSet.registryFor(List.of(StudyModels.class)))
                .isInstanceOf(InvalidOfflineModelException.class)
                .hasMessageContaining("not an entity");
    }
}
