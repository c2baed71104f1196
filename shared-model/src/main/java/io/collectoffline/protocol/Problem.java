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
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {

    /** The media type of problem documents. */
    public static final String MEDIA_TYPE = "application/problem+json";

    /** Prefix of every problem type URI of collect-offline. */
    public static final String TYPE_PREFIX = "urn:collect-offline:problem:";

    /** Type URI of an unexpected server-side error. */
    public static final String INTERNAL = TYPE_PREFIX + "internal-error";

    /**
     * A problem for an HTTP status the framework answered by itself (404 unknown path, 405, 406, 415, …), typed
     * {@code …:http-<status>} and titled with the status's reason phrase.
     */
    public static Problem ofStatus(int status, String reasonPhrase, String detail, String instance) {
        return new Problem(
                TYPE_PREFIX + "http-" + status,
                reasonPhrase != null ? reasonPhrase : "HTTP " + status,
                status,
                detail,
                instance,
                List.of());
    }

    /**
     * The answer to an unexpected error: generic, naming only the id under which the error is logged, so that no
     * class name or stack trace leaks.
     */
    public static Problem internal(String errorId) {
        return new Problem(
                INTERNAL,
                "Internal error",
                500,
                "An unexpected error occurred; it is logged under id " + errorId,
                "urn:error:" + errorId,
                List.of());
    }

    /**
     * One invalid input field.
     *
     * @param field   JSON path of the field ({@code subjectIdentifier}, {@code transactions[3].seq})
     * @param message what is wrong with it
     */
    public record FieldError(String field, String message) {}
}
