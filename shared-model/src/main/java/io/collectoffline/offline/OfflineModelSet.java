package io.collectoffline.offline;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A set of offline model classes, published with {@link ServiceLoader} in
 * {@code META-INF/services/io.collectoffline.offline.OfflineModelSet}. A node that has no JPA metamodel (the
 * server applies with SQL) learns the offline models from here; the study domain publishes its six.
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
}
