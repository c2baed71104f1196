package io.collectoffline.client.records;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.collectoffline.client.capture.CaptureRuntime;
import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.client.records.RecordConflictException.Kind;
import io.collectoffline.offline.ModelDescriptor;
import io.collectoffline.offline.OfflineEntity;
import io.collectoffline.offline.OfflineModelRegistry;
import io.collectoffline.protocol.InvalidInputException;
import io.collectoffline.protocol.Problem.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.Table;
import jakarta.transaction.Transactional;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hibernate.Session;
import org.hibernate.exception.ConstraintViolationException;

/**
 * Data entry on the laptop: create, update, delete and read records of offline models.
 *
 * <p>Every write goes through Hibernate, so the capture trigger turns it into an outgoing transaction in the same
 * database transaction. Input is checked completely before anything is written (types, unknown fields, bean
 * validation, foreign keys, natural key, version); a failure lists every offending field and changes nothing.
 */
@ApplicationScoped
public class RecordsService {

    /** Fields that only the database writes; ignored when a client sends them. */
    private static final Set<String> READ_ONLY = Set.of(
            "created",
            "modified",
            "userCreated",
            "userModified",
            "hostnameCreated",
            "hostnameModified",
            "deviceCreated",
            "deviceModified");

    private final EntityManager em;
    private final OfflineModelRegistry registry;
    private final Validator validator;
    private final ClientConfig config;
    private final ObjectMapper strict;

    RecordsService(EntityManager em, OfflineModelRegistry registry, Validator validator, ClientConfig config) {
        this.em = em;
        this.registry = registry;
        this.validator = validator;
        this.config = config;
        // stricter than the default mapper: data entry must not guess (no "12" for 12, no 12.7 for 12, no unknowns)
        this.strict = io.collectoffline.protocol.JsonRules.apply(JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build());
    }

    /** Registered offline models and, with {@code offline=false}, the JPA entities that are not. */
    public List<ModelInfo> models(boolean offline) {
        if (offline) {
            return registry.models().stream()
                    .map(m -> new ModelInfo(
                            m.name(),
                            true,
                            m.entityClass().getName(),
                            m.table(),
                            m.naturalKey(),
                            m.schemaVersion(),
                            m.references()))
                    .toList();
        }
        return registry.notOffline().stream()
                .sorted(Comparator.comparing(Class::getName))
                .map(type -> {
                    Table table = type.getAnnotation(Table.class);
                    return new ModelInfo(
                            em.getMetamodel().entity(type).getName(),
                            false,
                            type.getName(),
                            table != null ? table.name() : null,
                            null,
                            null,
                            null);
                })
                .toList();
    }

    /**
     * A model's data entry fields (id, version and audit fields excluded) with the kind of input each takes.
     *
     * @param name       Java field name (the JSON property)
     * @param input      text, integer, decimal, boolean, date, datetime or uuid
     * @param label      what a person reads: the name in words ("Household" for householdId)
     * @param references the model a reference field points to (pick one of its records), else null
     * @param shownBy    the referenced model's natural key fields, which name its records in a list
     */
    public record FieldInfo(String name, String input, String label, String references, String shownBy) {

        /** The name in words: camel case split, an id suffix of a reference dropped, the first letter capital. */
        static String label(String name, boolean reference) {
            String base =
                    reference && name.endsWith("Id") && name.length() > 2 ? name.substring(0, name.length() - 2) : name;
            String words = base.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
            return Character.toUpperCase(words.charAt(0)) + words.substring(1);
        }
    }

    /** The fields a form for {@code model} shows, in declaration order. */
    public List<FieldInfo> fields(String model) {
        ModelDescriptor descriptor = registry.require(model);
        var entity = em.getMetamodel().entity(descriptor.entityClass());
        List<FieldInfo> fields = new ArrayList<>();
        for (String name : descriptor.columns().keySet()) {
            if (name.equals("id") || name.equals("version") || READ_ONLY.contains(name)) {
                continue;
            }
            Class<?> type = entity.getAttribute(name).getJavaType();
            String input = type == UUID.class
                    ? "uuid"
                    : type == Boolean.class || type == boolean.class
                            ? "boolean"
                            : type == Integer.class || type == int.class || type == Long.class
                                    ? "integer"
                                    : Number.class.isAssignableFrom(type)
                                            ? "decimal"
                                            : type == java.time.LocalDate.class
                                                    ? "date"
                                                    : type.getName().startsWith("java.time.") ? "datetime" : "text";
            String references = descriptor.references().get(name);
            fields.add(new FieldInfo(
                    name,
                    input,
                    FieldInfo.label(name, references != null),
                    references,
                    references == null
                            ? null
                            : String.join(",", registry.require(references).naturalKey())));
        }
        return fields;
    }

    /** Creates a record; its id is minted here unless the body brings one. */
    @Transactional
    public JsonNode create(String model, JsonNode body, String user) {
        ModelDescriptor descriptor = registry.require(model);
        Parsed parsed = parse(descriptor, body);
        OfflineEntity record = CaptureRuntime.asUser(user, () -> {
            OfflineEntity stored = store(descriptor, parsed, lookups(descriptor, List.of(parsed)));
            flush(descriptor);
            return stored;
        });
        em.refresh(record); // as stored: the audit fields filled by capture
        return strict.valueToTree(record);
    }

    /**
     * A record of a request, read: the entity, its values as JSON and whether the request gave its id (a minted id
     * cannot be taken).
     */
    private record Parsed(OfflineEntity record, ObjectNode values, boolean idGiven) {}

    private Parsed parse(ModelDescriptor descriptor, JsonNode body) {
        ObjectNode input = object(body);
        OfflineEntity record = read(descriptor, input);
        record.setVersion(null);
        return new Parsed(record, strict.valueToTree(record), input.hasNonNull("id"));
    }

    private RecordLookups lookups(ModelDescriptor descriptor, List<Parsed> records) {
        return new RecordLookups(
                em,
                registry,
                strict,
                descriptor,
                records.stream().map(Parsed::values).toList(),
                records.stream()
                        .filter(Parsed::idGiven)
                        .map(p -> p.record().getId())
                        .toList());
    }

    /**
     * Checks one new record and hands it to Hibernate; the caller flushes (the capture trigger and the database's
     * constraints run then) as the user the change is captured for.
     */
    private OfflineEntity store(ModelDescriptor descriptor, Parsed parsed, RecordLookups lookups) {
        OfflineEntity record = parsed.record();
        if (parsed.idGiven() && lookups.taken(record.getId())) {
            throw new RecordConflictException(
                    Kind.ID_TAKEN,
                    "A " + descriptor.name() + " record with id " + record.getId()
                            + " already exists; update it with PUT");
        }
        check(descriptor, record, parsed.values(), lookups);
        em.persist(record);
        lookups.stored(record.getId(), parsed.values());
        return record;
    }

    /** Most records one bulk request may create. */
    public static final int BULK_LIMIT = 5000;

    /**
     * Creates the records of a JSON array in one database transaction: all of them, or (when any is refused) none;
     * the refusal names the array index (but for a clash with a record another request saved meanwhile, which only
     * the database's constraints find). Each record is captured like one created alone, in the order of the array.
     * For integrators loading a list (an enumeration, a baseline) onto the laptop.
     */
    @Transactional
    public int createAll(String model, JsonNode body, String user) {
        if (body == null || !body.isArray() || body.isEmpty() || body.size() > BULK_LIMIT) {
            throw new InvalidInputException(
                    "The body must be a JSON array of 1 to " + BULK_LIMIT + " records",
                    List.of(new FieldError("body", "must be a JSON array of 1 to " + BULK_LIMIT + " records")));
        }
        ModelDescriptor descriptor = registry.require(model);
        List<Parsed> records = new ArrayList<>(body.size());
        for (int i = 0; i < body.size(); i++) {
            JsonNode record = body.get(i);
            records.add(at(i, () -> parse(descriptor, record)));
        }
        RecordLookups lookups = lookups(descriptor, records);
        // each record is checked against the lookups, which count the records before it: one flush for all of them
        // (a clash the database finds then was saved by another request in between), their signatures together
        CaptureRuntime.signingTogether(
                () -> CaptureRuntime.asUser(user, () -> {
                    for (int i = 0; i < records.size(); i++) {
                        Parsed record = records.get(i);
                        at(i, () -> store(descriptor, record, lookups));
                    }
                    flush(descriptor);
                    em.clear(); // the persistence context keeps no thousands of entities until the commit
                    return null;
                }),
                work -> em.unwrap(Session.class).doWork(work::run));
        return body.size();
    }

    /** Does {@code work} for record {@code index} of a bulk request; a refusal names the index. */
    private static <T> T at(int index, java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (InvalidInputException e) {
            String at = "[" + index + "]";
            throw new InvalidInputException(
                    "Record " + at + ": " + e.getMessage(),
                    e.errors().stream()
                            .map(f -> new FieldError(at + "." + f.field(), f.message()))
                            .toList());
        } catch (RecordConflictException e) {
            throw new RecordConflictException(e.kind(), "Record [" + index + "]: " + e.getMessage());
        }
    }

    /**
     * Replaces a record's fields with the body's. The body must carry the {@code version} that was edited, so
     * that an edit made on a stale copy is refused instead of overwriting someone else's change.
     */
    @Transactional
    public JsonNode update(String model, UUID id, JsonNode body, String user) {
        ModelDescriptor descriptor = registry.require(model);
        ObjectNode input = object(body);
        OfflineEntity current = find(descriptor, id);
        List<FieldError> errors = new ArrayList<>();
        JsonNode version = input.get("version");
        if (version == null || !version.canConvertToLong() || !version.isIntegralNumber()) {
            errors.add(new FieldError("version", "required: the version of the record that was edited"));
        }
        JsonNode bodyId = input.get("id");
        if (bodyId != null && !bodyId.isNull() && !bodyId.asText().equals(id.toString())) {
            errors.add(new FieldError("id", "must be the id in the path (" + id + ") or absent: ids never change"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRecordException("The " + model + " record cannot be updated as given", errors);
        }
        input.put("id", id.toString());
        OfflineEntity incoming = read(descriptor, input);
        Parsed parsed = new Parsed(incoming, strict.valueToTree(incoming), false);
        check(descriptor, incoming, parsed.values(), lookups(descriptor, List.of(parsed)));
        if (version.asLong() != current.getVersion()) {
            throw new RecordConflictException(
                    Kind.STALE_VERSION,
                    "The " + model + " record " + id
                            + " was changed since version " + version.asLong() + " (now version " + current.getVersion()
                            + "); reload it and edit again");
        }
        ObjectNode state = strict.valueToTree(incoming);
        state.remove("id");
        state.remove("version");
        state.remove(READ_ONLY);
        return CaptureRuntime.asUser(user, () -> {
            try {
                strict.readerForUpdating(current).readValue(state);
            } catch (IOException e) {
                throw new IllegalStateException("copying validated fields failed", e);
            }
            flush(descriptor);
            em.refresh(current);
            return strict.valueToTree(current);
        });
    }

    /** Deletes a record; {@code expectedVersion}, when given, must be the stored version. */
    @Transactional
    public void delete(String model, UUID id, Long expectedVersion, String user) {
        ModelDescriptor descriptor = registry.require(model);
        OfflineEntity current = find(descriptor, id);
        if (expectedVersion != null && !expectedVersion.equals(current.getVersion())) {
            throw new RecordConflictException(
                    Kind.STALE_VERSION,
                    "The " + model + " record " + id + " is at version " + current.getVersion() + ", not "
                            + expectedVersion);
        }
        List<String> referrers = referrers(descriptor, id);
        if (!referrers.isEmpty()) {
            throw new RecordConflictException(
                    Kind.REFERENCED,
                    "The " + model + " record " + id + " is referred to by " + String.join(", ", referrers)
                            + "; delete or change those first");
        }
        CaptureRuntime.asUser(user, () -> {
            em.remove(current);
            flush(descriptor);
            return null;
        });
    }

    @Transactional
    public JsonNode get(String model, UUID id) {
        return strict.valueToTree(find(registry.require(model), id));
    }

    @Transactional
    public RecordPage list(String model, int page, int size) {
        ModelDescriptor descriptor = registry.require(model);
        List<FieldError> errors = new ArrayList<>();
        if (page < 0) {
            errors.add(new FieldError("page", "must be 0 or more"));
        }
        if (size < 1 || size > config.records().maxPageSize()) {
            errors.add(new FieldError(
                    "size", "must be between 1 and " + config.records().maxPageSize()));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRecordException("Invalid page request", errors);
        }
        String entity = entityName(descriptor);
        long total = em.createQuery("select count(e) from " + entity + " e", Long.class)
                .getSingleResult();
        List<? extends OfflineEntity> items = em.createQuery(
                        "select e from " + entity + " e order by e.created, e.id", descriptor.entityClass())
                .setFirstResult(page * size)
                .setMaxResults(size)
                .getResultList();
        return new RecordPage(
                items.stream().map(e -> (JsonNode) strict.valueToTree(e)).toList(), page, size, total);
    }

    /** The record's changes on this laptop, oldest first; also answers for records deleted since. */
    @Transactional
    public List<HistoryEntry> history(String model, UUID id) {
        ModelDescriptor descriptor = registry.require(model);
        List<RecordHistoryEntry> rows = em.createQuery(
                        "select h from RecordHistoryEntry h "
                                + "where h.model = :model and h.recordId = :id order by h.id",
                        RecordHistoryEntry.class)
                .setParameter("model", model)
                .setParameter("id", id)
                .getResultList();
        if (rows.isEmpty()) {
            find(descriptor, id);
        }
        List<HistoryEntry> history = new ArrayList<>(rows.size());
        for (RecordHistoryEntry row : rows) {
            try {
                history.add(new HistoryEntry(
                        row.action,
                        row.txId,
                        row.seq,
                        row.changedAt,
                        row.changedBy,
                        row.deviceId,
                        row.hostname,
                        strict.readTree(row.changes)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("history row " + row.id + " holds invalid JSON", e);
            }
        }
        return history;
    }

    private OfflineEntity find(ModelDescriptor descriptor, UUID id) {
        OfflineEntity record = em.find(descriptor.entityClass(), id);
        if (record == null) {
            throw new RecordNotFoundException(descriptor.name(), id);
        }
        return record;
    }

    private static ObjectNode object(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRecordException(
                    "The request body must be a JSON object",
                    List.of(new FieldError("(body)", "must be a JSON object")));
        }
        ObjectNode input = ((ObjectNode) body).deepCopy();
        input.remove(READ_ONLY);
        return input;
    }

    /**
     * The record the input describes, or every field it gets wrong: unknown fields and NUL characters first, then (only
     * when the whole record does not convert: a valid record is converted once) each field of the wrong type.
     */
    private OfflineEntity read(ModelDescriptor descriptor, ObjectNode input) {
        List<FieldError> errors = new ArrayList<>();
        input.fields().forEachRemaining(field -> {
            if (!descriptor.columns().containsKey(field.getKey())) {
                errors.add(new FieldError(
                        field.getKey(),
                        "unknown field; known: "
                                + String.join(", ", descriptor.columns().keySet())));
            } else if (field.getValue().isTextual()
                    && field.getValue().textValue().indexOf(0) >= 0) {
                // PostgreSQL cannot store it in text: the server would refuse the change, so it is refused here
                errors.add(new FieldError(field.getKey(), "must not contain a NUL character (U+0000)"));
            }
        });
        RuntimeException refusal = null;
        if (errors.isEmpty()) {
            try {
                return strict.treeToValue(input, descriptor.entityClass());
            } catch (JsonProcessingException | IllegalArgumentException e) {
                refusal = refusal(descriptor, e);
            }
        }
        var entity = em.getMetamodel().entity(descriptor.entityClass());
        Set<String> refused = errors.stream().map(FieldError::field).collect(Collectors.toSet());
        input.fields().forEachRemaining(field -> {
            if (refused.contains(field.getKey())) {
                return;
            }
            Class<?> type = entity.getAttribute(field.getKey()).getJavaType();
            try {
                strict.treeToValue(field.getValue(), type);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                errors.add(new FieldError(field.getKey(), "must be " + describe(type)));
            }
        });
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparing(FieldError::field));
            throw new InvalidRecordException("Invalid fields for " + descriptor.name(), errors);
        }
        throw refusal;
    }

    /** What a record that does not convert, though each of its fields does, is told. */
    private static InvalidRecordException refusal(ModelDescriptor descriptor, Exception e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return new InvalidRecordException(
                    "Unknown field for " + descriptor.name(),
                    List.of(new FieldError(
                            path(unknown),
                            "unknown field; known: "
                                    + String.join(", ", descriptor.columns().keySet()))));
        } else if (e instanceof JsonMappingException mapping) {
            String expected = mapping instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m
                            && m.getTargetType() != null
                    ? "must be " + describe(m.getTargetType())
                    : "invalid value";
            return new InvalidRecordException(
                    "Invalid field for " + descriptor.name(), List.of(new FieldError(path(mapping), expected)));
        }
        return new InvalidRecordException(
                "Invalid record for " + descriptor.name(),
                List.of(new FieldError("(body)", "cannot be read as a " + descriptor.name() + " record")));
    }

    private static String describe(Class<?> type) {
        if (type == UUID.class) {
            return "a UUID";
        } else if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return "a number of type " + type.getSimpleName();
        } else if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        } else if (type == String.class) {
            return "a string";
        } else if (type.getName().startsWith("java.time.")) {
            return "an ISO-8601 " + type.getSimpleName() + " string";
        }
        return "a " + type.getSimpleName();
    }

    private static String path(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
        return path.isEmpty() ? "(body)" : path;
    }

    /**
     * Everything that can be known before writing: bean validation, foreign keys, natural key ({@code values}: the
     * record as JSON; {@code lookups}: what the request's records refer to and clash with, read for all of them).
     */
    private void check(ModelDescriptor descriptor, OfflineEntity record, ObjectNode values, RecordLookups lookups) {
        List<FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<OfflineEntity> violation : validator.validate(record)) {
            errors.add(new FieldError(violation.getPropertyPath().toString(), violation.getMessage()));
        }
        for (Map.Entry<String, String> reference : descriptor.references().entrySet()) {
            JsonNode target = values.get(reference.getKey());
            if (target != null
                    && !target.isNull()
                    && !lookups.exists(reference.getValue(), UUID.fromString(target.asText()))) {
                errors.add(new FieldError(
                        reference.getKey(),
                        "refers to a " + reference.getValue() + " record that does not exist (" + target.asText()
                                + ")"));
            }
        }
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparing(FieldError::field));
            throw new InvalidRecordException("The " + descriptor.name() + " record is invalid", errors);
        }
        UUID clash = lookups.clash(values, record.getId());
        if (clash != null) {
            String key = descriptor.naturalKey().stream()
                    .map(f -> f + "=" + values.get(f).asText())
                    .collect(Collectors.joining(", "));
            throw new RecordConflictException(
                    Kind.NATURAL_KEY,
                    "A " + descriptor.name() + " record with " + key + " already exists (id " + clash + ")");
        }
    }

    /**
     * Flushes so that database constraints (and the capture trigger) run now, inside the user's context, and
     * classifies what the database refused. The caller's transaction rolls back with the thrown exception.
     */
    private void flush(ModelDescriptor descriptor) {
        try {
            em.flush();
        } catch (OptimisticLockException e) {
            throw new RecordConflictException(
                    Kind.STALE_VERSION,
                    "The " + descriptor.name() + " record was changed concurrently; reload it and edit again");
        } catch (PersistenceException e) {
            ConstraintViolationException violation = e instanceof ConstraintViolationException direct
                    ? direct
                    : e.getCause() instanceof ConstraintViolationException wrapped ? wrapped : null;
            if (violation != null) {
                throw switch (violation.getKind()) {
                    case UNIQUE ->
                        new RecordConflictException(
                                Kind.NATURAL_KEY,
                                "A " + descriptor.name() + " record with the same natural key was saved concurrently");
                    case FOREIGN_KEY ->
                        new RecordConflictException(
                                Kind.REFERENCED,
                                "The " + descriptor.name()
                                        + " record is referred to by other records, or refers to one that is gone ("
                                        + violation.getConstraintName() + ")");
                    default -> e;
                };
            }
            throw e;
        }
    }

    /** The records that refer to record {@code id} of {@code target}, counted per model and field. */
    private List<String> referrers(ModelDescriptor target, UUID id) {
        List<String> found = new ArrayList<>();
        for (ModelDescriptor model : registry.models()) {
            for (Map.Entry<String, String> reference : model.references().entrySet()) {
                if (!reference.getValue().equals(target.name())) {
                    continue;
                }
                String column = model.columns().get(reference.getKey());
                Number count = (Number)
                        em.createNativeQuery("SELECT COUNT(*) FROM " + model.table() + " WHERE " + column + " = ?1")
                                .setParameter(1, id)
                                .getSingleResult();
                if (count.longValue() > 0) {
                    found.add(count + " " + model.name() + " record" + (count.longValue() == 1 ? "" : "s") + " ("
                            + reference.getKey() + ")");
                }
            }
        }
        return found;
    }

    private String entityName(ModelDescriptor descriptor) {
        return em.getMetamodel().entity(descriptor.entityClass()).getName();
    }
}
