package io.collectoffline.protocol;

import java.util.List;
import java.util.UUID;

/**
 * A middleman's word that it has durably stored these transactions ({@code POST /api/v1/outbox/acks}).
 *
 * @param middleman the middleman's device id
 * @param txIds     the transactions it stored
 * @param seqTaken  transactions it did not store because it holds their producer and seq with another transaction
 *                  (the field laptop's stream diverged: restored backup, reinstall, cloned image); the field laptop
 *                  re-issues them on a new stream. Absent when none
 */
public record OutboxAcks(String middleman, List<UUID> txIds, List<UUID> seqTaken) {

    public OutboxAcks(String middleman, List<UUID> txIds) {
        this(middleman, txIds, null);
    }
}
