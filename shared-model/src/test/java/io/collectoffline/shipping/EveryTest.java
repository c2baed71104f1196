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
    void itCountsOnTheMonotonicClockSoAWallClockSetBackDoesNotPostponeIt() {
        long[] nanos = {5_000};
        Every every = new Every(() -> nanos[0]);
        every.done();

        nanos[0] += Duration.ofMinutes(59).toNanos();
        assertThat(every.due(Duration.ofHours(1))).isFalse();
        nanos[0] += Duration.ofMinutes(1).toNanos();
        assertThat(every.due(Duration.ofHours(1)))
                .as("an hour on the monotonic clock")
                .isTrue();
    }

    @Test
    void onlyOneOfThoseTakingItAtOnceDoesIt() {
        Every every = new Every();

        assertThat(every.take(Duration.ofMinutes(1))).isTrue();
        assertThat(every.take(Duration.ofMinutes(1))).isFalse();
        assertThat(every.take(Duration.ZERO)).isTrue();
    }
}
