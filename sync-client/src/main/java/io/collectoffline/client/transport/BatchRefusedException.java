package io.collectoffline.client.transport;

/**
 * The server refused a whole batch (a 4xx other than 401/403/429). {@code tooLarge} says it was over the server's
 * size limits, which a smaller batch avoids.
 */
public class BatchRefusedException extends RuntimeException {

    private final boolean tooLarge;

    public BatchRefusedException(String message, boolean tooLarge) {
        super(message);
        this.tooLarge = tooLarge;
    }

    public boolean tooLarge() {
        return tooLarge;
    }
}
