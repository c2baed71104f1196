/**
 * Typed configuration of the server ({@code sync.server.*}) and the run-time choice of its database. Invalid values
 * stop start-up naming the key.
 */
package io.collectoffline.server.config;
