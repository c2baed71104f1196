/**
 * Receive: batches read within bounds, each transaction checked and stored once by txId, answered per transaction
 * only after the commit. Keeps DESIGN §5 invariants 3 (ACCEPTED/DUPLICATE mean durably stored) and 4.
 */
package io.collectoffline.server.ingest;
