package io.collectoffline.server.apply;

import java.util.UUID;

/** No stored transaction with that txId. */
public class TransactionNotFoundException extends RuntimeException {

    public TransactionNotFoundException(UUID txId) {
        super("No stored transaction " + txId);
    }
}
