package io.collectoffline.server.files;

/** An uploaded file that cannot be used (truncated, corrupt, not ours); it was quarantined with this reason. */
public class FileRefusedException extends RuntimeException {

    public FileRefusedException(String message) {
        super(message);
    }
}
