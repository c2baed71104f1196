package io.collectoffline.client.records;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.offline.ModelDescriptor;
import io.collectoffline.offline.OfflineModelRegistry;
import jakarta.persistence.EntityManager;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What the checks of one write look up — ids already taken, the records its references point to, natural keys already
 * used — read for all the records of a request at once: one query per kind and {@value #CHUNK} records instead of one
 * per record and kind (issue 18: a bulk entry spent a fifth of its time in these lookups). The records the request
 * stores are added as it goes, so each record is checked against those before it as well. The database's constraints
 * stay the last word (a record saved by another request in between is refused by them).
 */
final class RecordLookups {

    /**
     * Most values in one IN list. H2 compares each row the index finds with the whole list, one value after another:
     * 1000 values cost a thousand comparisons per record, 100 a hundred, for one query more per 100 records.
     */
    static final int CHUNK = 100;

    private final ModelDescriptor model;
    private final Set<UUID> taken = new HashSet<>();
    private final Map<String, Set<UUID>> existing = new HashMap<>();
    private final Map<List<Object>, UUID> keys = new HashMap<>();
    /** The natural key of each record of the request, converted once (the reading, the check and the count use it). */
    private final Map<ObjectNode, List<Object>> keyOf = new IdentityHashMap<>();

    private final List<Class<?>> keyTypes = new ArrayList<>();
    private final ObjectMapper strict;

    /**
     * Reads what the checks of {@code records} (each as its JSON values, as {@link RecordsService} reads them) need.
     *
     * @param givenIds the ids the request brought, which may be taken already (minted ids cannot be)
     */
    RecordLookups(
            EntityManager em,
            OfflineModelRegistry registry,
            ObjectMapper strict,
            ModelDescriptor model,
            List<ObjectNode> records,
            Collection<UUID> givenIds) {
        this.model = model;
        this.strict = strict;
        var entity = em.getMetamodel().entity(model.entityClass());
        String name = entity.getName();
        taken.addAll(present(em, model.entityClass(), givenIds));
        Map<String, Set<UUID>> wanted = new HashMap<>();
        for (ObjectNode values : records) {
            for (Map.Entry<String, String> reference : model.references().entrySet()) {
                JsonNode target = values.get(reference.getKey());
                if (target != null && !target.isNull()) {
                    wanted.computeIfAbsent(reference.getValue(), t -> new LinkedHashSet<>())
                            .add(UUID.fromString(target.asText()));
                }
            }
        }
        wanted.forEach((target, ids) -> existing.put(
                target, new HashSet<>(present(em, registry.require(target).entityClass(), ids))));
        for (String field : model.naturalKey()) {
            keyTypes.add(entity.getAttribute(field).getJavaType());
        }
        Set<Object> firsts = new LinkedHashSet<>();
        for (ObjectNode values : records) {
            List<Object> key = key(values);
            keyOf.put(values, key);
            if (key != null) {
                firsts.add(key.get(0));
            }
        }
        if (!firsts.isEmpty()) {
            // the natural key's first field narrows (its unique index leads with it); the rest is compared here
            String select = "select e.id, e." + String.join(", e.", model.naturalKey()) + " from " + name
                    + " e where e." + model.naturalKey().get(0) + " in :values";
            for (Object[] row : inChunks(em, select, Object[].class, firsts)) {
                List<Object> key = new ArrayList<>(row.length - 1);
                for (int i = 1; i < row.length; i++) {
                    key.add(normal(row[i]));
                }
                keys.put(key, (UUID) row[0]);
            }
        }
    }

    /** The ids among {@code ids} that records of entity {@code type} have. */
    private static List<UUID> present(EntityManager em, Class<?> type, Collection<UUID> ids) {
        String entity = em.getMetamodel().entity(type).getName();
        return inChunks(em, "select e.id from " + entity + " e where e.id in :values", UUID.class, ids);
    }

    /** The rows {@code jpql} selects for {@code values} (each once), bound to its {@code :values} in chunks. */
    private static <R> List<R> inChunks(EntityManager em, String jpql, Class<R> type, Collection<?> values) {
        List<?> all = new ArrayList<>(new LinkedHashSet<>(values));
        List<R> rows = new ArrayList<>();
        for (int from = 0; from < all.size(); from += CHUNK) {
            rows.addAll(em.createQuery(jpql, type)
                    .setParameter("values", all.subList(from, Math.min(all.size(), from + CHUNK)))
                    .getResultList());
        }
        return rows;
    }

    /** Whether a record of this model with {@code id} exists. */
    boolean taken(UUID id) {
        return taken.contains(id);
    }

    /** Whether record {@code id} of model {@code target} exists. */
    boolean exists(String target, UUID id) {
        return existing.getOrDefault(target, Set.of()).contains(id);
    }

    /** The id of another record with the natural key of {@code values} (a record with id {@code own}), or null. */
    UUID clash(ObjectNode values, UUID own) {
        List<Object> key = keyOf(values);
        UUID holder = key == null ? null : keys.get(key);
        return holder == null || holder.equals(own) ? null : holder;
    }

    /** Counts a record this request has just stored, so that the records after it are checked against it too. */
    void stored(UUID id, ObjectNode values) {
        taken.add(id);
        existing.computeIfAbsent(model.name(), m -> new HashSet<>()).add(id);
        List<Object> key = keyOf(values);
        if (key != null) {
            keys.put(key, id);
        }
    }

    /** The natural key of {@code values}: converted when the request was read, or now for a record it did not hold. */
    private List<Object> keyOf(ObjectNode values) {
        return keyOf.containsKey(values) ? keyOf.get(values) : key(values);
    }

    /** The natural key of {@code values} as comparable Java values, or null when a part of it is empty. */
    private List<Object> key(ObjectNode values) {
        if (model.naturalKey().isEmpty()) {
            return null;
        }
        List<Object> key = new ArrayList<>(keyTypes.size());
        for (int i = 0; i < keyTypes.size(); i++) {
            JsonNode value = values.get(model.naturalKey().get(i));
            if (value == null || value.isNull()) {
                return null;
            }
            try {
                key.add(normal(strict.treeToValue(value, keyTypes.get(i))));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(
                        "natural key value of " + model.naturalKey().get(i) + " does not convert back", e);
            }
        }
        return key;
    }

    /** One value for equal keys: 1.50 and 1.5, or the same instant at two offsets, are one key. */
    private static Object normal(Object value) {
        if (value instanceof BigDecimal decimal) {
            return decimal.stripTrailingZeros();
        } else if (value instanceof OffsetDateTime time) {
            return time.toInstant();
        }
        return value;
    }
}
