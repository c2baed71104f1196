/**
 * The collect-offline server: its entry point ({@link io.collectoffline.server.ServerMain}) starts the server or the
 * admin CLI. Packages follow the data: {@code rest → ingest → apply}, {@code records}, {@code devices}, {@code keys},
 * {@code forward}, {@code files}, {@code reconciliation}, {@code config}, {@code health}, {@code pages}.
 */
package io.collectoffline.server;
