package io.collectoffline.shipping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The in-flight settings of the laptop and the server take 1 to 4 and refuse anything else with the reason. */
class BatchesInFlightTest {

    private final BatchesInFlight converter = new BatchesInFlight();

    @Test
    void oneToFourAreTakenAndAnythingElseIsRefusedWithTheReason() {
        assertThat(converter.convert("1")).isEqualTo(1);
        assertThat(converter.convert(" 4 ")).isEqualTo(4);
        for (String refused : new String[] {"0", "5", "-1", "two", "2.5", "", "99999999999"}) {
            assertThatThrownBy(() -> converter.convert(refused))
                    .as(refused)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("batches in flight must be a whole number from 1 to 4, not '" + refused + "'");
        }
    }
}
