/**
 * Forwarding to an upstream (central) server by REST: the server's adapter of the shipping engine, with the forward
 * queue of {@code store} as its queue and the upstream as its link. Every stored transaction travels on unchanged,
 * and is marked forwarded only on the upstream's word (answer by txId, or its word that it holds the txId). DESIGN §8.
 */
package io.collectoffline.server.forward;
