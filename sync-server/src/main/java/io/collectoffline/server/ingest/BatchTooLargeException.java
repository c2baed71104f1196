package io.collectoffline.server.ingest;

/** A batch beyond the configured limits (bytes after decompression, or transaction count); nothing stored. */
public class BatchTooLargeException extends RuntimeException {

    public BatchTooLargeException(String message) {
        super(message);
    }
}
