/**
 * Files between servers (DESIGN §8): export files with a header and a SHA-256 line, imports through the same path
 * as REST ingest, receipts that alone mark exported transactions delivered, a watched inbox and a quarantine.
 */
package io.collectoffline.server.files;
