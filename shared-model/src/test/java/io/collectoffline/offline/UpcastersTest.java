package io.collectoffline.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.study.HouseholdV1Upcaster;
import io.collectoffline.study.VitalSignsV1Upcaster;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpcastersTest {

    private static final OfflineModelRegistry REGISTRY = OfflineModelRegistry.of(OfflineModelSet.discover());

    @Test
    void publishedChainsAreCompleteAndUpcastARenamedAndAnAddedField() {
        Upcasters upcasters = Upcasters.discover(REGISTRY);
        ObjectNode v1 = JsonNodeFactory.instance.objectNode().put("id", "x").put("village_name", "Oodi");

        ObjectNode current = upcasters.toCurrent("study.household", 1, v1);

        assertThat(current.get("village").asText()).isEqualTo("Oodi");
        assertThat(current.has("village_name")).isFalse();
        assertThat(current.get("enumeration_date").isNull()).isTrue();
        assertThat(v1.has("village_name")).as("the input is left alone").isTrue();
        assertThat(upcasters.toCurrent("study.subject", 1, v1)).isSameAs(v1);
    }

    @Test
    void aVitalSignsFormOfVersionOneGetsTheFieldsVersionTwoAddedAsUnknown() {
        ObjectNode v1 = JsonNodeFactory.instance.objectNode().put("id", "x").put("systolic_bp", 118);

        ObjectNode current = Upcasters.discover(REGISTRY).toCurrent("study.vital_signs", 1, v1);

        assertThat(current.get("systolic_bp").asInt()).isEqualTo(118);
        assertThat(current.get("report_datetime").isNull()).isTrue();
        assertThat(current.get("heart_rate").isNull()).isTrue();
        assertThat(current.get("comments").isNull()).isTrue();
    }

    @Test
    void aVersionNewerThanTheModelIsRefused() {
        Upcasters upcasters = Upcasters.discover(REGISTRY);
        assertThatThrownBy(() -> upcasters.toCurrent("study.household", 3, JsonNodeFactory.instance.objectNode()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 2");
    }

    @Test
    void aMissingStepStopsStartUpNamingTheModel() {
        assertThatThrownBy(() -> Upcasters.of(List.of(), REGISTRY))
                .isInstanceOf(InvalidOfflineModelException.class)
                .hasMessageContaining("study.household is at schema version 2 but has no upcaster from version 1");
    }

    @Test
    void duplicateUnknownAndOutOfRangeStepsAreRefused() {
        Upcaster unknown = step("study.nothing", 1);
        Upcaster tooNew = step("study.household", 2);
        assertThatThrownBy(() -> Upcasters.of(
                        List.of(
                                new HouseholdV1Upcaster(),
                                new HouseholdV1Upcaster(),
                                new VitalSignsV1Upcaster(),
                                unknown,
                                tooNew),
                        REGISTRY))
                .isInstanceOf(InvalidOfflineModelException.class)
                .satisfies(e -> assertThat(((InvalidOfflineModelException) e).problems())
                        .hasSize(3));
    }

    private static Upcaster step(String model, int from) {
        return new Upcaster() {
            @Override
            public String model() {
                return model;
            }

            @Override
            public int fromVersion() {
                return from;
            }

            @Override
            public void upcast(ObjectNode fields) {}
        };
    }
}
