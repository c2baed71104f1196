package io.collectoffline.protocol;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A site id (Bean Validation): optional (null is valid), else the device-id rule ({@link DeviceId}). */
@Constraint(validatedBy = SiteId.Check.class)
@Target({ElementType.PARAMETER, ElementType.FIELD, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
public @interface SiteId {

    /** What a site id must be, as every answer says it. */
    String RULE = "must be a site id: " + DeviceId.DESCRIPTION;

    String message() default RULE;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** The rule. */
    class Check implements ConstraintValidator<SiteId, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || DeviceId.isValid(value);
        }
    }
}
