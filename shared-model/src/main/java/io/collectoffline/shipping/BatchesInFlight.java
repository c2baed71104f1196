package io.collectoffline.shipping;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * Reads a setting of how many batches travel at once ({@code sync.client.push.in-flight},
 * {@code sync.server.upstream.in-flight}): a whole number from 1 to {@value #MOST}. Anything else stops the start
 * with the setting's name and this reason. A converter rather than Bean Validation constraints on the config
 * mapping: those made the laptop build a validator for its configuration at every start, about a tenth of its start
 * time and 10 MB (README Benchmarks, the laptop's start).
 */
public final class BatchesInFlight implements Converter<Integer> {

    /** The most batches a link may carry at once. */
    public static final int MOST = 4;

    @Override
    public Integer convert(String value) {
        int count;
        try {
            count = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(reason(value));
        }
        if (count < 1 || count > MOST) {
            throw new IllegalArgumentException(reason(value));
        }
        return count;
    }

    private static String reason(String value) {
        return "batches in flight must be a whole number from 1 to " + MOST + ", not '" + value + "'";
    }
}
