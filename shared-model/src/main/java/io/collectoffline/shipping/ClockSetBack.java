package io.collectoffline.shipping;

import java.time.Duration;
import java.time.Instant;

/**
 * How a node tells that a time it recorded was read from its clock before the clock was set back: the time lies
 * further ahead of now than any small correction explains. Field laptops meet this (a clock set a year or a few hours
 * ahead by hand, then put right by NTP or by someone who noticed), and servers restored onto a host whose clock is
 * behind. A wait counted from such a time would last as long as the clock was wrong (months), so it is over.
 */
public final class ClockSetBack {

    /** Clocks are stepped by small amounts now and then (NTP): less than this is not taken for a set-back. */
    public static final Duration SLACK = Duration.ofMinutes(1);

    private ClockSetBack() {}

    /** Whether {@code recorded} lies more than {@link #SLACK} after {@code now}: the clock was set back since. */
    public static boolean since(Instant recorded, Instant now) {
        return recorded != null && recorded.isAfter(limit(now));
    }

    /** The time after which a recorded time shows that the clock was set back since it was recorded. */
    public static Instant limit(Instant now) {
        return now.plus(SLACK);
    }
}
