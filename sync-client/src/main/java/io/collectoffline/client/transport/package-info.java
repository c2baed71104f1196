/**
 * Transport to the next hop over HTTP: the server (batches gzip-compressed) and field laptops' pull API. Failures
 * are classified once, as {@link io.collectoffline.shipping.LinkFailure}s, so that retrying is decided in one place.
 */
package io.collectoffline.client.transport;
