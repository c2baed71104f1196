package io.collectoffline.client.outbox;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A transaction the server refused; kept on the laptop until someone retries it.
 *
 * @param txId       the transaction
 * @param seq        its seq
 * @param model      its model
 * @param recordId   its record
 * @param action     INSERT, UPDATE or DELETE
 * @param rejectedAt when the server refused it
 * @param reason     the server's reason
 */
public record RejectedTransaction(
        UUID txId, long seq, String model, UUID recordId, String action, OffsetDateTime rejectedAt, String reason) {}
