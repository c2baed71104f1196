package io.collectoffline.server.ingest;

import io.collectoffline.protocol.InvalidInputException;
import io.collectoffline.protocol.Problem.FieldError;
import java.util.List;

/**
 * A batch that cannot be answered transaction by transaction (not JSON, no batch id, a transaction without a
 * readable txId, …): refused whole with every offending field listed, nothing stored.
 */
public class InvalidBatchException extends InvalidInputException {

    public InvalidBatchException(String message, List<FieldError> errors) {
        super(message, errors);
    }
}
