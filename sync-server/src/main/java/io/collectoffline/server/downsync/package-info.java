/**
 * Two-way (issue 17, ADR 14): what each device receives — the settled transactions of its subscription in the
 * server's settled order, sealed again to the device's own key — how far each device says it holds, and how far
 * it was served (ADR 19). Owns {@code downsync_device} and {@code downsync_served}; reads
 * {@code incoming_transaction} and {@code device_key}, never writes them.
 */
package io.collectoffline.server.downsync;
