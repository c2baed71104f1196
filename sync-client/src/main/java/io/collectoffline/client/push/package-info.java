/**
 * Push: the outbox delivered to the server on a schedule and on demand, one push at a time, with failures
 * classified and retried in one place. Keeps DESIGN §5 invariant 3 on the laptop's side.
 */
package io.collectoffline.client.push;
