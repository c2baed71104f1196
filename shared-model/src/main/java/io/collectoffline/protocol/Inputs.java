package io.collectoffline.protocol;

import io.collectoffline.protocol.Problem.FieldError;
import java.util.List;
import java.util.UUID;

/**
 * Parsing of path and query values shared by both apps' resources, so that a malformed value is a 400 naming its
 * field (JAX-RS would answer a bare 404 for a query parameter it cannot convert).
 */
public final class Inputs {

    private Inputs() {
    }

    /** @throws InvalidInputException naming {@code field} when {@code value} is not a whole number */
    public static long wholeNumber(String field, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException | NullPointerException e) {
            throw new InvalidInputException("Invalid query", List.of(new FieldError(field, "must be a whole number")));
        }
    }

    /**
     * What is wrong with a site id given to an admin endpoint (enrolment, a move, a {@code ?site=} filter), if
     * anything: optional (null), else the device-id rule.
     */
    public static List<FieldError> siteErrors(String site) {
        return site == null || DeviceId.isValid(site) ? List.of()
                : List.of(new FieldError("site", "must be a site id: " + DeviceId.DESCRIPTION));
    }

    /** What is wrong with an admin list's paging ({@code offset} from 0, {@code limit} 1 to 1000), if anything. */
    public static List<FieldError> pagingErrors(int offset, int limit) {
        List<FieldError> errors = new java.util.ArrayList<>();
        if (limit < 1 || limit > 1000) {
            errors.add(new FieldError("limit", "must be between 1 and 1000"));
        }
        if (offset < 0) {
            errors.add(new FieldError("offset", "must be 0 or more"));
        }
        return errors;
    }

    /** @throws InvalidInputException naming {@code field} when {@code value} is not a UUID in canonical form */
    public static UUID uuid(String field, String value) {
        try {
            UUID id = UUID.fromString(value);
            if (id.toString().equalsIgnoreCase(value)) {
                return id;
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            // reported below
        }
        throw new InvalidInputException("Invalid id", List.of(new FieldError(field, "must be a UUID")));
    }
}
