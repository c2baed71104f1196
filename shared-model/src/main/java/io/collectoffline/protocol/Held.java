package io.collectoffline.protocol;

import java.util.List;
import java.util.UUID;

/**
 * The answer to a {@link HeldQuery}.
 *
 * @param producer the producer asked about
 * @param held     the asked txIds the receiver has stored as transactions of that producer
 */
public record Held(String producer, List<UUID> held) {}
