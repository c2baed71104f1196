package io.collectoffline.server.records;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One applied change of a record, as the server's history keeps it.
 *
 * @param txId          the transaction
 * @param producer      device where the change was made
 * @param seq           its seq
 * @param action        INSERT, UPDATE or DELETE
 * @param changedBy     the user the client recorded
 * @param changedAt     when, by the client's clock
 * @param changedDevice the device the client recorded
 * @param appliedAt     when this server applied it
 * @param fields        the record's columns after the change (before it, for a delete)
 * @param conflict      for a conflicting edit (ADR 8): {@code "kept over <txId>"} or {@code "overruled by <txId>"}
 *                      (its values were then not written); absent otherwise
 * @param site          the site the change belongs to (its transaction's); the record's site is its INSERT's
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecordChange(
        UUID txId,
        String producer,
        long seq,
        String action,
        String changedBy,
        OffsetDateTime changedAt,
        String changedDevice,
        OffsetDateTime appliedAt,
        JsonNode fields,
        String conflict,
        String site) {}
