package io.collectoffline.offline;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a JPA entity an offline model: every change to it is captured as an outgoing transaction and
 * travels to the server. The entity must extend {@link OfflineEntity} (UUID primary key minted where the record is
 * created, audit fields, version) and name its natural key, which the database must keep unique.
 *
 * <p>The registry validates each declaration at start-up and refuses to start with a message naming the model and
 * what it lacks, so that a mis-declared model is found on the developer's machine, not in the field.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface OfflineModel {

    /** Registry name carried on the wire, {@code app.model} in lower snake case, e.g. {@code study.subject_visit}. */
    String name();

    /** Java field names forming the business identity of a record, unique together (e.g. {@code subjectIdentifier}). */
    String[] naturalKey();

    /** Version of the payload layout; raise it when the model's persistent fields change. */
    int schemaVersion() default 1;

    /**
     * A reference model (a lookup list, e.g. the visit schedule): every device of the study receives its records
     * with its down-sync, whatever its site or assignment (ADR 14).
     */
    boolean reference() default false;
}
