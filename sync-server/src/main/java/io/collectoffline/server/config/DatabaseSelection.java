package io.collectoffline.server.config;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import jakarta.annotation.Priority;
import java.util.Locale;

/**
 * Chooses the server's database at run time from one key, {@code sync.server.db} ({@code h2}, the default, or
 * {@code postgresql}), by deriving {@code quarkus.datasource.h2.active} and
 * {@code quarkus.datasource.postgresql.active} from it. Both datasources are built into the one artifact (a
 * datasource's kind is fixed at build time, its activity is not); an explicitly set {@code active} key still wins.
 */
@Priority(100)
public class DatabaseSelection implements ConfigSourceInterceptor {

    static final String KEY = "sync.server.db";
    private static final String H2_ACTIVE = "quarkus.datasource.h2.active";
    private static final String PG_ACTIVE = "quarkus.datasource.postgresql.active";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue explicit = context.proceed(name);
        if (explicit != null || (!H2_ACTIVE.equals(name) && !PG_ACTIVE.equals(name))) {
            return explicit;
        }
        ConfigValue selected = context.restart(KEY); // from the top of the chain: profiles and expressions apply
        String db = selected == null ? "h2" : selected.getValue().trim().toLowerCase(Locale.ROOT);
        boolean active = H2_ACTIVE.equals(name) ? db.equals("h2") : db.equals("postgresql");
        return ConfigValue.builder()
                .withName(name)
                .withValue(Boolean.toString(active))
                .withConfigSourceName("derived from " + KEY)
                .build();
    }
}
