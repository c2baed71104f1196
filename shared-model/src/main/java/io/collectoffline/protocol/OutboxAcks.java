package io.collectoffline.protocol;

import java.util.List;
import java.util.UUID;

/**
 * A middleman's word that it has durably stored these transactions ({@code POST /api/v1/outbox/acks}).
 *
 * @param middleman the middleman's device id
 * @param txIds     the transactions it stored
 */
public record OutboxAcks(String middleman, List<UUID> txIds) {
}
