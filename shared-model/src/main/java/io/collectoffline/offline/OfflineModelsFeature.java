package io.collectoffline.offline;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import org.graalvm.nativeimage.hosted.Feature;
import org.graalvm.nativeimage.hosted.RuntimeReflection;

/**
 * Registers, when a native image is built, every offline model published through {@link OfflineModelSet} for
 * reflection — the model classes with their superclasses (Jackson reads and writes them, the registry reads their
 * annotations), the sets themselves and their upcasters (the {@link ServiceLoader} creates them) — so that neither
 * app keeps a hand-written list of study classes for the native image. Both apps enable it with
 * {@code --features} in {@code quarkus.native.additional-build-args}.
 */
public final class OfflineModelsFeature implements Feature {

    @Override
    public void beforeAnalysis(BeforeAnalysisAccess access) {
        for (Class<?> type : classesToRegister(access.getApplicationClassLoader())) {
            RuntimeReflection.register(type);
            RuntimeReflection.register(type.getDeclaredConstructors());
            RuntimeReflection.register(type.getDeclaredFields());
            RuntimeReflection.register(type.getDeclaredMethods());
        }
    }

    /** What {@link #beforeAnalysis} registers: derived from the sets published on {@code loader}'s class path. */
    public static List<Class<?>> classesToRegister(ClassLoader loader) {
        Set<Class<?>> classes = new LinkedHashSet<>();
        for (OfflineModelSet set : ServiceLoader.load(OfflineModelSet.class, loader)) {
            classes.add(set.getClass());
            for (Class<?> model : set.models()) {
                for (Class<?> type = model; type != null && type != Object.class; type = type.getSuperclass()) {
                    classes.add(type);
                }
            }
            set.upcasters().forEach(upcaster -> classes.add(upcaster.getClass()));
        }
        return new ArrayList<>(classes);
    }
}
