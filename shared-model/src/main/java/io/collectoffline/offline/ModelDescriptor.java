package io.collectoffline.offline;

import java.util.List;
import java.util.Map;

/**
 * What the registry knows about one offline model once it has been validated.
 *
 * @param name          registry name carried on the wire ({@code study.subject})
 * @param entityClass   the JPA entity
 * @param table         database table (lower case)
 * @param naturalKey    Java field names of the natural key, in declaration order
 * @param naturalKeyColumns database columns of the natural key, same order
 * @param schemaVersion payload layout version
 * @param columns       Java field name to database column (lower case) of every persistent field
 * @param references    foreign-key field name to the registry name of the model it points to
 * @param reference     a reference model (lookup list): every device receives its records (ADR 14)
 */
public record ModelDescriptor(
        String name,
        Class<? extends OfflineEntity> entityClass,
        String table,
        List<String> naturalKey,
        List<String> naturalKeyColumns,
        int schemaVersion,
        Map<String, String> columns,
        Map<String, String> references,
        boolean reference) {

    public ModelDescriptor {
        naturalKey = List.copyOf(naturalKey);
        naturalKeyColumns = List.copyOf(naturalKeyColumns);
        columns = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(columns)); // field order
        references = Map.copyOf(references);
    }
}
