/**
 * The outbox: transactions captured on this laptop, pending until the next hop acknowledges them by txId
 * (DESIGN §5, invariant 3), and the figures the status reports of them. Owns {@code outgoing_transaction} and
 * {@code producer_counter}; knows this laptop's identity, not capture, push or transport.
 */
package io.collectoffline.client.outbox;
