package io.collectoffline.offline;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * A set of offline model classes, published with {@link ServiceLoader} in
 * {@code META-INF/services/io.collectoffline.offline.OfflineModelSet}: the one list of offline models both sides
 * use. The server (no JPA metamodel: it applies with SQL) learns them from here; a laptop builds its registry from
 * here too and refuses to start when its JPA entities disagree ({@link #disagreements}); the native image registers
 * them from here ({@link OfflineModelsFeature}). The study domain publishes its six.
 */
public interface OfflineModelSet {

    /** The entity classes of this set. */
    List<Class<? extends OfflineEntity>> models();

    /** The steps that bring older payloads of these models to their current schema version ({@link Upcaster}). */
    default List<Upcaster> upcasters() {
        return List.of();
    }

    /** Every offline model class published on the class path. */
    static List<Class<?>> discover() {
        List<Class<?>> classes = new ArrayList<>();
        for (OfflineModelSet set : ServiceLoader.load(OfflineModelSet.class, OfflineModelSet.class.getClassLoader())) {
            classes.addAll(set.models());
        }
        return classes;
    }

    /** Every upcaster published on the class path. */
    static List<Upcaster> discoverUpcasters() {
        List<Upcaster> upcasters = new ArrayList<>();
        for (OfflineModelSet set : ServiceLoader.load(OfflineModelSet.class, OfflineModelSet.class.getClassLoader())) {
            upcasters.addAll(set.upcasters());
        }
        return upcasters;
    }

    /**
     * How {@code entities} (a laptop's JPA entities) disagree with the published offline models: a published model
     * that is not an entity here, or an {@link OfflineModel} entity no set publishes (the server would not know it).
     * Empty when they agree.
     */
    static List<String> disagreements(Collection<Class<?>> published, Collection<Class<?>> entities) {
        List<String> problems = new ArrayList<>();
        Set<Class<?>> entitySet = new HashSet<>(entities);
        for (Class<?> model : published) {
            if (!entitySet.contains(model)) {
                problems.add("offline model " + model.getName() + " is published by an OfflineModelSet but is not "
                        + "an entity of this application");
            }
        }
        Set<Class<?>> publishedSet = new HashSet<>(published);
        for (Class<?> entity : entities) {
            if (entity.isAnnotationPresent(OfflineModel.class) && !publishedSet.contains(entity)) {
                problems.add("entity " + entity.getName() + " is an @OfflineModel that no OfflineModelSet publishes "
                        + "(META-INF/services/" + OfflineModelSet.class.getName() + "): the server would not know it");
            }
        }
        return problems;
    }

    /**
     * The registry of the published offline models, checked against {@code entities} (this application's JPA
     * entities, which may include others that are not offline models).
     *
     * @throws InvalidOfflineModelException when they disagree, or a model is invalid
     */
    static OfflineModelRegistry registryFor(Collection<Class<?>> entities) {
        List<String> problems = disagreements(discover(), entities);
        if (!problems.isEmpty()) {
            throw new InvalidOfflineModelException(problems);
        }
        return OfflineModelRegistry.of(entities);
    }
}
