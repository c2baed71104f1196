package io.collectoffline.offline;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an offline model whose records stand for physical items that travel from the field to a lab (a specimen
 * tube): a field laptop offers the ready ones in its manifest with each pull, and a middleman and a server reconcile
 * them against the items marked in hand ({@link ItemReceipt}). Field names are the model's Java field names.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface TrackedItem {

    /** The field holding the identifier on the item's label. */
    String identifier();

    /** A boolean field, true once the item exists (a drawn tube): only those are expected in hand. */
    String ready();

    /**
     * Fields listed with each item in the manifest, never participant-identifying data: a field of this model, or
     * {@code referenceField.field} for a field of the record a {@link RefersTo} field points to. The manifest names
     * each by its last part.
     */
    String[] manifest() default {};
}
