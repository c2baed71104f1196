/**
 * The pull API a field laptop offers a middleman (pairing token): pages of its pending transactions, sealed and
 * unchanged, acknowledgements that mark them consumed (never delivered), and the manifest of tracked items. Also
 * keeps everything but this API reachable from this machine only.
 */
package io.collectoffline.client.pull;
