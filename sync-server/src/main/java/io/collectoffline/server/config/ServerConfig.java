package io.collectoffline.server.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Configuration of the server ({@code sync.server.*}); env vars are the upper-case, underscored keys. */
@ConfigMapping(prefix = "sync.server")
public interface ServerConfig {

    /**
     * Which database: {@code h2} (embedded file, the quick-start default) or {@code postgresql} (production; set
     * {@code quarkus.datasource.postgresql.jdbc.url}, {@code .username} and {@code .password}).
     */
    @WithDefault("h2")
    Database db();

    /** Path of the embedded H2 database file when {@code db=h2}, without the {@code .mv.db} suffix. */
    @WithDefault("./data/server/collect-offline")
    String h2Path();

    /** The two supported databases. */
    enum Database {
        h2,
        postgresql
    }
}
