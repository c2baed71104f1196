package io.collectoffline.shipping;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * Capped exponential backoff with jitter: the wait after the n-th failure in a row is drawn from [half, whole] of
 * {@code min(max, initial * 2^(n-1))}, so that many nodes that failed together do not come back together.
 */
public record Backoff(Duration initial, Duration max) {

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
    }

    /**
     * The wait after {@code failures} failures in a row; {@code random} answers a value in [0, bound) for a bound
     * ({@code ThreadLocalRandom.current()::nextLong} in production).
     */
    public Duration after(int failures, LongUnaryOperator random) {
        long initialMillis = initial.toMillis();
        long maxMillis = max.toMillis();
        long step = failures >= 31 ? maxMillis : Math.min(maxMillis, initialMillis * (1L << Math.max(0, failures - 1)));
        return Duration.ofMillis(step / 2 + random.applyAsLong(step / 2 + 1));
    }
}
