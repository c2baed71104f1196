/**
 * Change capture: the database trigger that writes one outgoing transaction and one history row for every change
 * of an offline record, in the same transaction, and the start-up code that validates models and installs it.
 * Keeps DESIGN §5 invariants 1 (capture is atomic and cannot be bypassed) and 2 (gap-free seq in commit order).
 */
package io.collectoffline.client.capture;
