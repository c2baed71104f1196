package io.collectoffline.client.records;

import io.collectoffline.protocol.InvalidInputException;
import io.collectoffline.protocol.Problem.FieldError;
import java.util.List;

/** Input for a record that cannot be saved as given; lists every offending field. Nothing was changed. */
public class InvalidRecordException extends InvalidInputException {

    public InvalidRecordException(String message, List<FieldError> errors) {
        super(message, errors);
    }
}
