package io.collectoffline.server.records;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A conflicting edit (ADR 8): two versions of one record made without either seeing the other, and which one the
 * rule kept. Both stay in the record's history.
 *
 * @param id         the conflict's number on this server
 * @param model      the record's model
 * @param recordId   the record
 * @param kept       the version the record holds (the winner)
 * @param overruled  the version that lost; its values were not written over the winner's
 * @param rule       the rule that decided
 * @param detectedAt when this server met the conflict
 */
public record RecordConflict(
        long id, String model, UUID recordId, Version kept, Version overruled, String rule, OffsetDateTime detectedAt) {

    /**
     * One side of a conflict.
     *
     * @param txId     the transaction that wrote this version
     * @param producer the device where it was made
     * @param rev      the record's revision it made
     */
    public record Version(UUID txId, String producer, long rev) {}
}
