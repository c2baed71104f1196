package io.collectoffline.protocol;

import java.util.List;

/**
 * A page of a field laptop's pending transactions, as a middleman pulls them ({@code GET /api/v1/outbox}).
 *
 * @param producer     the field laptop's device id
 * @param transactions pending transactions after the asked seq, in seq order, unchanged (sealed)
 * @param more         whether more pending transactions follow
 * @param registration the field laptop's signing key with its proof, for the middleman to carry to the server
 */
public record OutboxPage(
        String producer, List<TransactionEnvelope> transactions, boolean more, KeyRegistration registration) {

    public OutboxPage(String producer, List<TransactionEnvelope> transactions, boolean more) {
        this(producer, transactions, more, null);
    }
}
