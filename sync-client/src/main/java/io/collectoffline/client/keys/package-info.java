/**
 * The server public key this laptop seals payloads to: from a configured file, or fetched from the server at first
 * start and kept, and followed when the server rotates it. Owns {@code server_key}.
 */
package io.collectoffline.client.keys;
