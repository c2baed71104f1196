package io.collectoffline.offline;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns a model's payload fields of schema version {@code n} into those of version {@code n + 1}, so that a server
 * can apply what a laptop still on an older form captured. Published with the model's {@link OfflineModelSet}; the
 * server chains them up to the model's current {@link OfflineModel#schemaVersion()} before it applies a payload.
 *
 * <p>Typical steps: a field added with a default ({@code fields.put("dwelling", "unknown")}), a field renamed
 * ({@code fields.set("village", fields.remove("village_name"))}), a value recoded. Column names, not Java names.
 */
public interface Upcaster {

    /** The model's registry name. */
    String model();

    /** The version this step reads; it writes {@code fromVersion() + 1}. */
    int fromVersion();

    /** Changes {@code fields} (column name to JSON value) in place from {@code fromVersion()} to the next version. */
    void upcast(ObjectNode fields);
}
