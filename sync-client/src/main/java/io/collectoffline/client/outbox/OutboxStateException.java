package io.collectoffline.client.outbox;

/** An outbox operation asked of a transaction whose state does not allow it. */
public class OutboxStateException extends RuntimeException {

    public OutboxStateException(String message) {
        super(message);
    }
}
