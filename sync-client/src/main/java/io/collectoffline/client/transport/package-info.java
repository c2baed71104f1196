/**
 * Transport to the next hop over HTTP: batches gzip-compressed, failures classified (transient, auth, refused) so
 * that retrying is decided in one place, the push schedule.
 */
package io.collectoffline.client.transport;
