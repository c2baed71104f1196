/**
 * Receive: batches read within bounds, each transaction checked, then handed to apply to be stored once by txId
 * through {@link io.collectoffline.server.store.IncomingStore} (and applied on the fast path), answered per
 * transaction only after the commit. Keeps DESIGN §5 invariants 3 (ACCEPTED/DUPLICATE mean durably stored) and 4.
 */
package io.collectoffline.server.ingest;
