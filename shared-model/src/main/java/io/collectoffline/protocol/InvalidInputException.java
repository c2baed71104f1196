package io.collectoffline.protocol;

import io.collectoffline.protocol.Problem.FieldError;
import java.util.List;

/** Input that cannot be used as given: answered 400 with every offending field listed; nothing was changed. */
public class InvalidInputException extends RuntimeException {

    private final List<FieldError> errors;

    public InvalidInputException(String message, List<FieldError> errors) {
        super(message);
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
