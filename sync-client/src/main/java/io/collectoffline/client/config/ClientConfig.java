package io.collectoffline.client.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.util.Optional;

/** Configuration of the laptop app ({@code sync.client.*}); env vars are the upper-case, underscored keys. */
@ConfigMapping(prefix = "sync.client")
public interface ClientConfig {

    /**
     * This laptop's device id: the {@code producer} of every transaction it captures. When absent, one is
     * generated on first start and kept in the database; once the database has one, a different configured value
     * stops the app (changing the producer would break the per-producer sequence).
     */
    Optional<String> deviceId();

    /** {@code field} (collects data) or {@code middleman} (also pulls from field laptops and relays). */
    @WithDefault("field")
    Role role();

    /** Path of the H2 database file, without the {@code .mv.db} suffix; created on first start. */
    @WithDefault("./data/client/collect-offline")
    String dbPath();

    /** Change capture settings. */
    Capture capture();

    /** Payload sealing settings. */
    Payload payload();

    /** Data entry settings. */
    Records records();

    /** The two roles of the laptop binary. */
    enum Role {
        field,
        middleman
    }

    /** Change capture. */
    interface Capture {

        /**
         * Kill switch (django-collect-offline's {@code ALLOW_MODEL_SERIALIZATION}). When false, records still save and
         * keep their local history, but no outgoing transactions are written; the status says capture is off.
         */
        @WithDefault("true")
        boolean enabled();
    }

    /** Payload sealing. */
    interface Payload {

        /**
         * Which codec seals payloads. No default: {@code plain-json} sends participant data readable, so it must be
         * chosen on purpose.
         */
        String codec();
    }

    /** Data entry API. */
    interface Records {

        /** User recorded in the audit fields when a request names none (header {@code X-Collect-User}). */
        @WithDefault("field-user")
        String defaultUser();

        /** Largest page the record listing returns. */
        @WithName("max-page-size")
        @WithDefault("500")
        int maxPageSize();
    }
}
