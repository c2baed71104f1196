package io.collectoffline.server.ingest;

/** A device sending what it may not: under another sender's name, or (a field device) another producer's changes. */
public class SenderForbiddenException extends RuntimeException {

    public SenderForbiddenException(String message) {
        super(message);
    }
}
