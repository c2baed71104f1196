/**
 * Push: the laptop's adapter of the shipping engine (the outbox as its queue, the server as its link), on a schedule
 * and on demand, one push at a time, and the push's report and state types. Keeps DESIGN §5 invariant 3 on the
 * laptop's side.
 */
package io.collectoffline.client.push;
