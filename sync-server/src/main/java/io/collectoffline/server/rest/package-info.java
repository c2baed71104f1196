/**
 * The server's HTTP face: resources that map requests to the ingest, apply and records services and back, and the
 * RFC 9457 problem mapping of every error (DESIGN §5, invariant 7). No business logic here.
 */
package io.collectoffline.server.rest;
