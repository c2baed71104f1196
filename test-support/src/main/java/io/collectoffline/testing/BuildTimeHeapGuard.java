package io.collectoffline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Guards the native build against state that must not be frozen into the image heap. Quarkus initialises
 * application classes at build time in a native build, so a static field holding a random generator (the same seed
 * on every installation; GraalVM's analysis refuses it), a thread or an executor would be created on the build
 * machine. The sources-only native build cannot see this class of error, so a unit test per app runs this over
 * its classes: every class is initialised as the native build would, and every static field is checked by its
 * declared type and by its value.
 */
public final class BuildTimeHeapGuard {

    private static final List<Class<?>> FORBIDDEN =
            List.of(Random.class, SplittableRandom.class, Thread.class, ExecutorService.class);

    private BuildTimeHeapGuard() {}

    /**
     * The static fields, in the classes that sit where each anchor's class was loaded from (a classes folder or a
     * jar) and under its package root {@code io.collectoffline}, that hold or may hold forbidden state.
     */
    public static List<String> violations(Class<?>... anchors) {
        List<String> found = new ArrayList<>();
        for (Class<?> anchor : anchors) {
            found.addAll(violationsUnder(anchor, "io.collectoffline."));
        }
        return found;
    }

    /** As {@link #violations}, for the classes beside {@code anchor} whose name starts with {@code prefix}. */
    public static List<String> violationsUnder(Class<?> anchor, String prefix) {
        List<String> found = new ArrayList<>();
        {
            for (String name : classNames(anchor, prefix)) {
                Class<?> type;
                try {
                    type = Class.forName(name, true, anchor.getClassLoader());
                } catch (Throwable e) {
                    // a class that cannot initialise outside its app is still checked by its declarations
                    try {
                        type = Class.forName(name, false, anchor.getClassLoader());
                    } catch (Throwable notLoadable) {
                        continue;
                    }
                }
                check(type, found);
            }
        }
        return found;
    }

    private static void check(Class<?> type, List<String> found) {
        Field[] fields;
        try {
            fields = type.getDeclaredFields();
        } catch (Throwable e) {
            return;
        }
        for (Field field : fields) {
            if (!Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            String where = type.getName() + "." + field.getName();
            if (FORBIDDEN.stream().anyMatch(f -> f.isAssignableFrom(field.getType()))) {
                Object value = valueOf(field);
                if (value != null) {
                    found.add(where + " holds a " + value.getClass().getName() + " at class initialisation");
                }
                continue;
            }
            Object value = valueOf(field);
            if (value != null && FORBIDDEN.stream().anyMatch(f -> f.isInstance(value))) {
                found.add(where + " holds a " + value.getClass().getName() + " at class initialisation");
            }
        }
    }

    private static Object valueOf(Field field) {
        try {
            field.setAccessible(true);
            return field.get(null);
        } catch (Throwable e) {
            return null;
        }
    }

    private static List<String> classNames(Class<?> anchor, String prefix) {
        Path location;
        try {
            location = Path.of(
                    anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<String> names = new ArrayList<>();
        try {
            if (Files.isDirectory(location)) {
                try (Stream<Path> files = Files.walk(location)) {
                    files.filter(f -> f.toString().endsWith(".class"))
                            .map(f -> location.relativize(f)
                                    .toString()
                                    .replace('/', '.')
                                    .replace('\\', '.'))
                            .forEach(n -> names.add(n.substring(0, n.length() - ".class".length())));
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    jar.stream()
                            .map(JarEntry::getName)
                            .filter(n -> n.endsWith(".class"))
                            .forEach(n -> names.add(n.substring(0, n.length() - ".class".length())
                                    .replace('/', '.')));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        names.removeIf(n -> !n.startsWith(prefix) || n.endsWith("package-info") || n.endsWith("module-info"));
        return names;
    }
}
