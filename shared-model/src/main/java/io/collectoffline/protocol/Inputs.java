package io.collectoffline.protocol;

import io.collectoffline.protocol.Problem.FieldError;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Checks of path and query values shared by both apps' resources, so that a malformed value is a 400 naming its
 * field; whole numbers are converted by {@link WholeNumberParameters}, paging and site filters are Bean Validation
 * constraints ({@link Paging}, {@link SiteId}) answered through {@link #invalid}.
 */
public final class Inputs {

    private Inputs() {}

    /**
     * What is wrong with a site id given to an admin endpoint (enrolment, a move), if anything: optional (null), else
     * the device-id rule. Parameters say it with {@link SiteId}.
     */
    public static List<FieldError> siteErrors(String site) {
        return site == null || DeviceId.isValid(site) ? List.of() : List.of(new FieldError("site", SiteId.RULE));
    }

    /**
     * Bean Validation's violations of parameter constraints as the one answer both apps give to invalid input: each
     * field (the parameter's or property's name) with what it must be, in field order.
     */
    public static InvalidInputException invalid(Set<? extends ConstraintViolation<?>> violations) {
        List<FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> violation : violations) {
            String field = null;
            for (Path.Node node : violation.getPropertyPath()) {
                field = node.getName();
            }
            errors.add(new FieldError(field, violation.getMessage()));
        }
        errors.sort(Comparator.comparing(FieldError::field, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(FieldError::message));
        return new InvalidInputException("Invalid input", errors);
    }

    /** Whether a violation is of a method's return value: the server's own fault, not the caller's. */
    public static boolean ofReturnValue(Set<? extends ConstraintViolation<?>> violations) {
        for (ConstraintViolation<?> violation : violations) {
            for (Path.Node node : violation.getPropertyPath()) {
                if (node.getKind() == ElementKind.RETURN_VALUE) {
                    return true;
                }
            }
        }
        return false;
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
