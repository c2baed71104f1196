package io.collectoffline.offline;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an offline model whose records say an item of a {@link TrackedItem} model is in hand at a stage of its
 * journey (MIDDLEMAN: the driver's cool box; LAB). Marking an item in hand writes one of these records, captured and
 * shipped like any other change. Field names are the model's Java field names.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface ItemReceipt {

    /** The tracked model whose items these records receive. */
    Class<? extends OfflineEntity> item();

    /** The field holding the received item's identifier. */
    String identifier();

    /** The field holding the stage. */
    String stage();

    /** The field holding when the item was marked in hand. */
    String time();

    /** The field holding a free-text comment, if the model has one. */
    String comment() default "";
}
