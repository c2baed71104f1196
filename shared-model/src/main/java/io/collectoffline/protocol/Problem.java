package io.collectoffline.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An error answer, RFC 9457 {@code application/problem+json}. Every 4xx and 5xx of both apps has this shape.
 *
 * @param type     URI naming the kind of problem (stable; clients may switch on it)
 * @param title    short summary of the kind
 * @param status   HTTP status
 * @param detail   what went wrong this time, for a human
 * @param instance the request path, or {@code urn:error:<id>} for an unexpected error logged under that id
 * @param errors   the offending fields of invalid input, when there are any
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance,
        List<FieldError> errors) {

    /** The media type of problem documents. */
    public static final String MEDIA_TYPE = "application/problem+json";

    /**
     * One invalid input field.
     *
     * @param field   JSON path of the field ({@code subjectIdentifier}, {@code transactions[3].seq})
     * @param message what is wrong with it
     */
    public record FieldError(String field, String message) {
    }
}
