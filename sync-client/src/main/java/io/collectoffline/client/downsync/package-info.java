/**
 * Two-way on the laptop (issue 17, ADR 14): receiving the down-sync from the server and applying it without
 * capturing it again. Owns {@code received_transaction}, {@code held_version} and {@code downsync_state}; writes the
 * study tables only through their capture trigger in its receiving mode (history, no outgoing transaction).
 */
package io.collectoffline.client.downsync;
