/**
 * Two-way (issue 17, ADR 14): what each device receives — the settled transactions of its subscription in the
 * server's settled order, sealed again to the device's own key — and how far each device says it holds. Owns
 * {@code downsync_device}; reads {@code incoming_transaction} and {@code device_key}, never writes them.
 */
package io.collectoffline.server.downsync;
