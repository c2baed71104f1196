package io.collectoffline.client.capture;

import java.util.function.Supplier;

/**
 * The bridge between the application and the database trigger that H2 instantiates by class name (and so cannot
 * receive injected beans): the start-up code publishes the settings here, the trigger reads them.
 *
 * <p>Also carries the user on whose behalf the current thread writes; H2 embedded runs triggers on the calling
 * thread, so a thread-local reaches the trigger of the very statement the request caused.
 */
public final class CaptureRuntime {

    private static volatile CaptureSettings settings;
    private static final ThreadLocal<String> USER = new ThreadLocal<>();
    private static volatile String defaultUser = "system";

    private CaptureRuntime() {}

    static void install(CaptureSettings newSettings, String fallbackUser) {
        defaultUser = fallbackUser;
        settings = newSettings;
    }

    /** @return the settings, or null before start-up has installed capture */
    static CaptureSettings settings() {
        return settings;
    }

    static String currentUser() {
        String user = USER.get();
        return user != null ? user : defaultUser;
    }

    /** Runs {@code work} with {@code user} recorded as the author of every change it makes. */
    public static <T> T asUser(String user, Supplier<T> work) {
        String previous = USER.get();
        USER.set(user);
        try {
            return work.get();
        } finally {
            if (previous == null) {
                USER.remove();
            } else {
                USER.set(previous);
            }
        }
    }
}
