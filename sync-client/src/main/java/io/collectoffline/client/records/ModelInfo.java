package io.collectoffline.client.records;

import java.util.List;
import java.util.Map;

/**
 * A JPA entity of this application as {@code GET /api/v1/models} lists it.
 *
 * @param name          registry name (offline models) or JPA entity name (others)
 * @param offline       whether changes to it are captured and synchronised
 * @param entityClass   Java class
 * @param table         database table
 * @param naturalKey    natural key fields (offline models only)
 * @param schemaVersion payload layout version (offline models only)
 * @param references    foreign-key field to the model it refers to (offline models only)
 */
public record ModelInfo(
        String name,
        boolean offline,
        String entityClass,
        String table,
        List<String> naturalKey,
        Integer schemaVersion,
        Map<String, String> references) {}
