/**
 * The collect-offline server: its entry point ({@link io.collectoffline.server.ServerMain}) starts the server or the
 * admin CLI. Packages follow the data: {@code rest → ingest → apply}, {@code records}, {@code devices}, {@code keys},
 * {@code forward}, {@code files}, {@code store} (owners of the sync state tables), {@code reconciliation},
 * {@code config}, {@code health}, {@code pages}. Shipping to the next hop is the engine of
 * {@code io.collectoffline.shipping} (shared with the laptop).
 */
package io.collectoffline.server;
