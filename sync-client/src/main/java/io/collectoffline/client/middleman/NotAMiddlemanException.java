package io.collectoffline.client.middleman;

/** A middleman operation asked of a laptop that is not one (or of itself). */
public class NotAMiddlemanException extends RuntimeException {

    public NotAMiddlemanException(String message) {
        super(message);
    }
}
