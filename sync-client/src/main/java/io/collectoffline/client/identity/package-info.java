/**
 * Who this laptop is: its device id (fixed by its first start), the stream it captures on (moved only after a
 * divergence), its signing key and the key's registration for the servers. Owns {@code node_identity}; nothing
 * else reads or writes it.
 */
package io.collectoffline.client.identity;
