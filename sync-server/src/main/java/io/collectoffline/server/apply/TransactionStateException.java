package io.collectoffline.server.apply;

/** A retry or skip asked of a transaction whose state does not allow it (already applied, not at the head, …). */
public class TransactionStateException extends RuntimeException {

    public TransactionStateException(String message) {
        super(message);
    }
}
