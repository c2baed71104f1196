/**
 * The sync state tables' owners, growing towards owning them alone (issue 16): how far a producer's transactions
 * are stored without a gap ({@link io.collectoffline.server.store.StoredWatermarks}); the forward marks of
 * {@code incoming_transaction} for REST and files ({@link io.collectoffline.server.store.ForwardQueue}); the
 * coordination of jobs between server instances sharing one database
 * ({@link io.collectoffline.server.store.JobLock}); listings read whole in pages
 * ({@link io.collectoffline.server.store.KeysetPages}).
 */
package io.collectoffline.server.store;
