/**
 * The wire protocol as Java records: what nodes send each other. Keeps: a transaction's metadata is exactly what
 * its payload is bound to ({@link io.collectoffline.protocol.TransactionHeader#associatedData()}).
 */
package io.collectoffline.protocol;
