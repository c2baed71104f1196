/**
 * The outbox: transactions captured on this laptop, pending until the next hop acknowledges them by txId
 * (DESIGN §5, invariant 3), and the status that reports them.
 */
package io.collectoffline.client.outbox;
