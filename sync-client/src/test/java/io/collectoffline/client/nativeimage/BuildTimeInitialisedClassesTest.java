package io.collectoffline.client.nativeimage;

import static org.assertj.core.api.Assertions.assertThat;

import io.collectoffline.client.capture.CaptureTrigger;
import io.collectoffline.protocol.TimeOrderedUuid;
import io.collectoffline.testing.BuildTimeHeapGuard;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * The laptop's classes and the shared model's hold no random generator, thread or executor in a static field: a
 * native build initialises them at build time and would freeze that state into the image (README, Native).
 */
class BuildTimeInitialisedClassesTest {

    @Test
    void noBuildTimeInitialisedClassHoldsARandomThreadOrExecutor() {
        assertThat(BuildTimeHeapGuard.violations(CaptureTrigger.class, TimeOrderedUuid.class))
                .isEmpty();
    }

    @Test
    void theGuardFindsAStaticRandom() {
        assertThat(BuildTimeHeapGuard.violationsUnder(BuildTimeInitialisedClassesTest.class, Frozen.class.getName()))
                .singleElement()
                .asString()
                .contains("Frozen.RANDOM");
    }

    static final class Frozen {
        static final SecureRandom RANDOM = new SecureRandom();
    }
}
