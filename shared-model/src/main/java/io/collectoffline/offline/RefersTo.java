package io.collectoffline.offline;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code UUID} field of an offline model as a foreign key to another offline model's {@code id}.
 *
 * <p>Foreign keys are plain UUID columns (with a database constraint) rather than JPA associations so that a record
 * snapshot is flat and self-describing, and so that a receiving server knows which record a change depends on
 * before it applies it (a missing target defers the change instead of failing it).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface RefersTo {

    /** The offline model the field points to. */
    Class<? extends OfflineEntity> value();
}
