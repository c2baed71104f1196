/**
 * Apply: stored transactions into the study tables, per producer in seq order, off the request path and on
 * receipt's fast path; deferral, errors, retry and skip. Reads and changes the sync state only through
 * {@link io.collectoffline.server.store.IncomingStore}. Keeps DESIGN §5 invariant 5 and the
 * one-producer-one-worker rule of §9.
 */
package io.collectoffline.server.apply;
