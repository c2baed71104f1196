/**
 * The middleman role: pulling field laptops' pending transactions into this laptop's outbox unchanged (it holds no
 * key to read them) and acknowledging only what is committed here; they travel on with this laptop's pushes.
 */
package io.collectoffline.client.middleman;
