/**
 * The sync state tables' owners: what is stored and applied of each producer, and each stored transaction's
 * {@link io.collectoffline.server.store.TxStatus} ({@link io.collectoffline.server.store.IncomingStore}, the only
 * writer of {@code incoming_transaction}, {@code producer_state} and {@code apply_cursor}); how far a producer's
 * transactions are stored without a gap ({@link io.collectoffline.server.store.StoredWatermarks}); the forward marks
 * of {@code incoming_transaction} for REST and files ({@link io.collectoffline.server.store.ForwardQueue}); the
 * coordination of jobs between server instances sharing one database
 * ({@link io.collectoffline.server.store.JobLock}); listings read whole in pages
 * ({@link io.collectoffline.server.store.KeysetPages}).
 */
package io.collectoffline.server.store;
