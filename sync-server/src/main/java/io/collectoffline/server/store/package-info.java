/**
 * Statements on the sync state tables that more than one stage needs (ingest, apply's admin): how far a producer's
 * transactions are stored without a gap; and the coordination of jobs between server instances sharing one
 * database ({@link io.collectoffline.server.store.JobLock}). The first pieces of the store that will own those
 * tables alone (issue 16).
 */
package io.collectoffline.server.store;
