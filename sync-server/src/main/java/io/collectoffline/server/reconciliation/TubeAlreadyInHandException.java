package io.collectoffline.server.reconciliation;

/** A tube marked in hand at the lab twice. */
public class TubeAlreadyInHandException extends RuntimeException {

    public TubeAlreadyInHandException(String message) {
        super(message);
    }
}
