/**
 * The offline-model API: how an entity declares itself offline ({@link io.collectoffline.offline.OfflineModel},
 * {@link io.collectoffline.offline.OfflineEntity}), the registry that validates declarations at start-up, and the
 * record snapshot that travels as a transaction's payload. Keeps: every registered model has a UUID primary key,
 * audit fields, a version and a natural key that the database enforces.
 */
package io.collectoffline.offline;
