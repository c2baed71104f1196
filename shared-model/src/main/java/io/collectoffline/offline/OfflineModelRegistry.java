package io.collectoffline.offline;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The set of offline models of an application, validated as a whole.
 *
 * <p>Built once at start-up from the application's JPA entity classes; the classes annotated {@link OfflineModel}
 * are registered, the others are listed as not offline. Every declaration problem is collected and reported
 * together by {@link InvalidOfflineModelException}, so a developer fixes them in one pass.
 */
public final class OfflineModelRegistry {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*");

    private final Map<String, ModelDescriptor> byName;
    private final Map<String, ModelDescriptor> byTable;
    private final Map<Class<?>, ModelDescriptor> byClass;
    private final List<Class<?>> notOffline;
    /** The study's tracked items, worked out on first use ({@link #trackedItems()}). */
    private volatile Optional<TrackedItems> tracked;

    private OfflineModelRegistry(List<ModelDescriptor> models, List<Class<?>> notOffline) {
        Map<String, ModelDescriptor> names = new LinkedHashMap<>();
        Map<String, ModelDescriptor> tables = new LinkedHashMap<>();
        Map<Class<?>, ModelDescriptor> classes = new LinkedHashMap<>();
        for (ModelDescriptor model : models) {
            names.put(model.name(), model);
            tables.put(model.table(), model);
            classes.put(model.entityClass(), model);
        }
        this.byName = Collections.unmodifiableMap(names);
        this.byTable = Collections.unmodifiableMap(tables);
        this.byClass = Collections.unmodifiableMap(classes);
        this.notOffline = List.copyOf(notOffline);
    }

    /**
     * Registers every class of {@code entityClasses} annotated {@link OfflineModel} and validates them.
     *
     * @throws InvalidOfflineModelException naming each model and what it lacks
     */
    public static OfflineModelRegistry of(Collection<Class<?>> entityClasses) {
        List<Class<?>> sorted = new ArrayList<>(entityClasses);
        sorted.sort(Comparator.comparing(Class::getName));
        List<String> problems = new ArrayList<>();
        List<ModelDescriptor> models = new ArrayList<>();
        List<Class<?>> notOffline = new ArrayList<>();
        Map<String, Class<?>> seenNames = new LinkedHashMap<>();
        for (Class<?> type : sorted) {
            OfflineModel declaration = type.getAnnotation(OfflineModel.class);
            if (declaration == null) {
                notOffline.add(type);
                continue;
            }
            Class<?> previous = seenNames.putIfAbsent(declaration.name(), type);
            if (previous != null) {
                problems.add("offline model " + declaration.name() + " is declared twice: by " + previous.getName()
                        + " and by " + type.getName());
                continue;
            }
            describe(type, declaration, problems).ifPresent(models::add);
        }
        checkReferences(sorted, models, problems);
        if (!problems.isEmpty()) {
            throw new InvalidOfflineModelException(problems);
        }
        return new OfflineModelRegistry(models, notOffline);
    }

    @SuppressWarnings("unchecked")
    private static Optional<ModelDescriptor> describe(Class<?> type, OfflineModel declaration, List<String> problems) {
        String label = "offline model " + declaration.name() + " (" + type.getName() + ")";
        int before = problems.size();
        if (!NAME.matcher(declaration.name()).matches()) {
            problems.add(label + ": name must look like 'app.model' in lower snake case");
        }
        if (type.getAnnotation(Entity.class) == null) {
            problems.add(label + ": is not a JPA @Entity");
        }
        Field idField = findIdField(type);
        if (idField == null) {
            problems.add(label + ": has no @Id primary key; it needs a java.util.UUID primary key");
        } else if (!UUID.class.equals(idField.getType())) {
            problems.add(label + ": primary key '" + idField.getName() + "' is "
                    + idField.getType().getSimpleName()
                    + "; it must be java.util.UUID, minted where the record is created");
        }
        if (!OfflineEntity.class.isAssignableFrom(type)) {
            problems.add(label + ": does not extend " + OfflineEntity.class.getName()
                    + " (UUID primary key, audit fields, version)");
        }
        Table table = type.getAnnotation(Table.class);
        if (table == null || table.name().isBlank()) {
            problems.add(label + ": has no explicit @Table(name = ...)");
        }
        if (declaration.schemaVersion() < 1) {
            problems.add(label + ": schemaVersion must be 1 or more");
        }
        List<String> keyColumns = new ArrayList<>();
        if (declaration.naturalKey().length == 0) {
            problems.add(label + ": has no natural key; name its business identity in @OfflineModel(naturalKey = ...)");
        }
        for (String fieldName : declaration.naturalKey()) {
            Field field = findField(type, fieldName);
            if (field == null) {
                problems.add(label + ": natural key field '" + fieldName + "' does not exist");
            } else if (!isPersistent(field)) {
                problems.add(label + ": natural key field '" + fieldName + "' is not persistent");
            } else if (field.getAnnotation(Id.class) != null) {
                problems.add(label + ": natural key field '" + fieldName
                        + "' is the primary key; the natural key is the business identity");
            } else {
                columnName(field)
                        .ifPresentOrElse(
                                keyColumns::add,
                                () -> problems.add(label + ": natural key field '" + fieldName
                                        + "' has no explicit @Column(name = ...)"));
            }
        }
        Map<String, String> columns = new LinkedHashMap<>();
        Map<String, String> references = new LinkedHashMap<>();
        for (Field field : persistentFields(type)) {
            columns.put(field.getName(), columnName(field).orElse(field.getName()));
            RefersTo refersTo = field.getAnnotation(RefersTo.class);
            if (refersTo == null) {
                continue;
            }
            if (!UUID.class.equals(field.getType())) {
                problems.add(label + ": foreign key '" + field.getName() + "' must be java.util.UUID");
                continue;
            }
            OfflineModel target = refersTo.value().getAnnotation(OfflineModel.class);
            Optional<String> column = columnName(field);
            if (target == null) {
                problems.add(label + ": foreign key '" + field.getName() + "' refers to "
                        + refersTo.value().getName() + ", which is not an offline model");
            } else if (column.isEmpty()) {
                problems.add(label + ": foreign key '" + field.getName() + "' has no explicit @Column(name = ...)");
            } else {
                references.put(field.getName(), target.name());
            }
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new ModelDescriptor(
                declaration.name(),
                (Class<? extends OfflineEntity>) type,
                table.name().toLowerCase(Locale.ROOT),
                List.of(declaration.naturalKey()),
                keyColumns,
                declaration.schemaVersion(),
                columns,
                references,
                declaration.reference()));
    }

    /** A foreign key must point to a model of the same registry, or its records could never be applied. */
    private static void checkReferences(
            List<Class<?>> candidates, List<ModelDescriptor> models, List<String> problems) {
        for (ModelDescriptor model : models) {
            for (Field field : persistentFields(model.entityClass())) {
                RefersTo refersTo = field.getAnnotation(RefersTo.class);
                if (refersTo != null && !candidates.contains(refersTo.value())) {
                    problems.add("offline model " + model.name() + " ("
                            + model.entityClass().getName()
                            + "): foreign key '" + field.getName() + "' refers to "
                            + refersTo.value().getName()
                            + ", which is not an entity of this application");
                }
            }
        }
    }

    private static Field findIdField(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (field.getAnnotation(Id.class) != null) {
                    return field;
                }
            }
        }
        return null;
    }

    private static Field findField(Class<?> type, String name) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (field.getName().equals(name)) {
                    return field;
                }
            }
        }
        return null;
    }

    private static List<Field> persistentFields(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (isPersistent(field)) {
                    fields.add(field);
                }
            }
        }
        return fields;
    }

    private static boolean isPersistent(Field field) {
        int modifiers = field.getModifiers();
        return !Modifier.isStatic(modifiers)
                && !Modifier.isTransient(modifiers)
                && field.getAnnotation(Transient.class) == null
                && !field.isSynthetic()
                && !field.getName().startsWith("$$_hibernate");
    }

    private static Optional<String> columnName(Field field) {
        Column column = field.getAnnotation(Column.class);
        if (column == null || column.name().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(column.name().toLowerCase(Locale.ROOT));
    }

    /** Registered models, sorted by name. */
    /**
     * The study's tracked items ({@link TrackedItems#of}), worked out once for every service that needs them.
     *
     * @throws InvalidOfflineModelException when the tracked-item annotations name fields the models lack
     */
    public Optional<TrackedItems> trackedItems() {
        Optional<TrackedItems> known = tracked;
        if (known == null) {
            known = TrackedItems.of(this);
            tracked = known;
        }
        return known;
    }

    /** The study's tracked items; a study without them has no manifest entries and no reconciliation (404). */
    public TrackedItems requireTrackedItems() {
        return trackedItems().orElseThrow(() -> new UnknownModelException("(no @TrackedItem model in this study)"));
    }

    public List<ModelDescriptor> models() {
        return byName.values().stream()
                .sorted(Comparator.comparing(ModelDescriptor::name))
                .toList();
    }

    /** JPA entities of the application that are not offline models (internal tables, local-only data). */
    public List<Class<?>> notOffline() {
        return notOffline;
    }

    public Optional<ModelDescriptor> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** @throws UnknownModelException when {@code name} is not registered */
    public ModelDescriptor require(String name) {
        return find(name).orElseThrow(() -> new UnknownModelException(name));
    }

    public Optional<ModelDescriptor> forTable(String table) {
        return Optional.ofNullable(byTable.get(table.toLowerCase(Locale.ROOT)));
    }

    public Optional<ModelDescriptor> forClass(Class<?> type) {
        return Optional.ofNullable(byClass.get(type));
    }
}
