package io.collectoffline.server.downsync;

/** A device asked for its down-sync before registering the key to seal it to (it does with its next push). */
public class NoSealingKeyException extends RuntimeException {

    public NoSealingKeyException(String message) {
        super(message);
    }
}
