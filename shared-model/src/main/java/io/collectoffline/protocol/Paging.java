package io.collectoffline.protocol;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The paging of an admin list (Bean Validation): {@code offset} from 0, {@code limit} from 1 to 1000. */
public final class Paging {

    /** The most rows one page of an admin list holds. */
    public static final int MAX_LIMIT = 1000;

    private Paging() {}

    /** Where a page starts: 0 or more. */
    @Min(0)
    @ReportAsSingleViolation
    @Constraint(validatedBy = {})
    @Target({ElementType.PARAMETER, ElementType.FIELD, ElementType.RECORD_COMPONENT})
    @Retention(RetentionPolicy.RUNTIME)
    public @interface Offset {

        String message() default "must be 0 or more";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    /** How many rows a page holds: 1 to {@value #MAX_LIMIT}. */
    @Min(1)
    @Max(MAX_LIMIT)
    @ReportAsSingleViolation
    @Constraint(validatedBy = {})
    @Target({ElementType.PARAMETER, ElementType.FIELD, ElementType.RECORD_COMPONENT})
    @Retention(RetentionPolicy.RUNTIME)
    public @interface Limit {

        String message() default "must be between 1 and " + MAX_LIMIT;

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }
}
