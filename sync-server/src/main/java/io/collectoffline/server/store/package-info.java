/**
 * Statements on the sync state tables that more than one stage needs (ingest, apply's admin): how far a producer's
 * transactions are stored without a gap. The first piece of the store that will own those tables alone (issue 16).
 */
package io.collectoffline.server.store;
