/**
 * Forwarding to an upstream (central) server: every stored transaction travels on unchanged, and is marked
 * forwarded only on the upstream's word (answer by txId, file receipt, or watermark). DESIGN §8.
 */
package io.collectoffline.server.forward;
