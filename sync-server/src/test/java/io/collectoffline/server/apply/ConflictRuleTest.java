package io.collectoffline.server.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.collectoffline.server.apply.ConflictRule.Version;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ConflictRuleTest {

    private static final UUID LOW = UUID.fromString("00000000-0000-4000-8000-000000000001");
    private static final UUID HIGH = UUID.fromString("ffffffff-0000-4000-8000-000000000001");

    @Test
    void higherRevisionWins() {
        assertThat(ConflictRule.wins(new Version(LOW, 3, "a"), new Version(HIGH, 2, "b")))
                .isTrue();
        assertThat(ConflictRule.wins(new Version(HIGH, 2, "b"), new Version(LOW, 3, "a")))
                .isFalse();
    }

    @Test
    void betweenEqualRevisionsTheGreaterTransactionIdWinsAndExactlyOneWins() {
        Version low = new Version(LOW, 2, "a");
        Version high = new Version(HIGH, 2, "b");
        assertThat(ConflictRule.wins(high, low)).isTrue();
        assertThat(ConflictRule.wins(low, high)).isFalse();
    }
}
