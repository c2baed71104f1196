package io.collectoffline.protocol;

import io.collectoffline.protocol.Problem.FieldError;
import jakarta.ws.rs.BadRequestException;
import java.util.List;

/**
 * A query or path parameter that cannot be converted to its type. It is a {@link BadRequestException} so that the
 * REST layer passes it on as it is (it turns any other conversion failure of a query parameter into a bare 404);
 * both apps answer it like an {@link InvalidInputException}: 400, problem+json, the parameter named.
 */
public class InvalidParameterException extends BadRequestException {

    private final transient InvalidInputException input;

    public InvalidParameterException(String parameter, String rule) {
        super("Invalid query");
        this.input = new InvalidInputException("Invalid query", List.of(new FieldError(parameter, rule)));
    }

    /** The same failure as an invalid input, for the problem mappers. */
    public InvalidInputException input() {
        return input;
    }
}
