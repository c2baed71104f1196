package io.collectoffline.shipping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EveryTest {

    @Test
    void dueUntilDoneThenOnlyAfterThePeriod() {
        Every every = new Every();
        assertThat(every.due(Duration.ofHours(1))).as("not done since start").isTrue();

        every.done();

        assertThat(every.due(Duration.ofHours(1))).isFalse();
        assertThat(every.due(Duration.ZERO)).as("a period gone by").isTrue();
    }

    @Test
    void onlyOneOfThoseTakingItAtOnceDoesIt() {
        Every every = new Every();

        assertThat(every.take(Duration.ofMinutes(1))).isTrue();
        assertThat(every.take(Duration.ofMinutes(1))).isFalse();
        assertThat(every.take(Duration.ZERO)).isTrue();
    }
}
