/**
 * The server's key pairs: loaded at start-up (the first generated when there is none), published to devices, and
 * managed by the {@code keys} command. Private keys never leave this server.
 */
package io.collectoffline.server.keys;
