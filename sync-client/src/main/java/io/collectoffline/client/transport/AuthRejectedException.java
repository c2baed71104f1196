package io.collectoffline.client.transport;

/** The server refused this laptop's credentials (401/403): pushing stops until they are fixed. */
public class AuthRejectedException extends RuntimeException {

    public AuthRejectedException(String message) {
        super(message);
    }
}
