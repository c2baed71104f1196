/**
 * The one engine that moves a queue of transactions to the next hop: queue → batches → link → per-txId answer →
 * marked delivered. Laptop push, middleman pull, server forwarding and export to a file (a {@link
 * io.collectoffline.shipping.FileLink}, answered later by its receipt) are small adapters over it. Keeps: nothing
 * leaves a queue except on the next hop's answer for its txId (or its word that it holds that txId); a batch too
 * large or too slow for the link is halved, never resent unchanged for ever; refused credentials stop the link
 * until they change; failures back off exponentially with jitter, and that state survives a restart.
 */
package io.collectoffline.shipping;
