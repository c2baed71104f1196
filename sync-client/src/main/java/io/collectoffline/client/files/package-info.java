/**
 * A laptop's outbox carried by hand: export files of the pending transactions (a USB stick to a server, which imports
 * them by the same path as a server's files) and the receipts taken back. Owns {@code file_export} and
 * {@code file_export_tx}. Keeps: exporting marks nothing delivered; only a receipt naming the file's batch and
 * accounting for every transaction in it does, through the outbox, for the transactions that file carried.
 */
package io.collectoffline.client.files;
