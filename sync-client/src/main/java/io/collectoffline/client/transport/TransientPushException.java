package io.collectoffline.client.transport;

/** The server could not be reached or could not answer now (refused, timeout, 5xx, 429): try again later. */
public class TransientPushException extends RuntimeException {

    public TransientPushException(String message, Throwable cause) {
        super(message, cause);
    }
}
