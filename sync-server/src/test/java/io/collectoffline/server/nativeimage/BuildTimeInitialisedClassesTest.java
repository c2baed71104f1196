package io.collectoffline.server.nativeimage;

import static org.assertj.core.api.Assertions.assertThat;

import io.collectoffline.server.devices.DeviceService;
import io.collectoffline.testing.BuildTimeHeapGuard;
import org.junit.jupiter.api.Test;

/**
 * The server's classes hold no random generator, thread or executor in a static field: a native build initialises
 * them at build time and would freeze that state into the image (README, Native). The shared model is checked by
 * the laptop's twin of this test.
 */
class BuildTimeInitialisedClassesTest {

    @Test
    void noBuildTimeInitialisedClassHoldsARandomThreadOrExecutor() {
        assertThat(BuildTimeHeapGuard.violations(DeviceService.class)).isEmpty();
    }
}
