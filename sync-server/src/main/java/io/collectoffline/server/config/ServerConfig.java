package io.collectoffline.server.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

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

    /**
     * Bearer token of the administrator (devices, status, incoming transactions, records). No default: without
     * it administration is closed. Give it through the environment ({@code SYNC_SERVER_ADMIN_TOKEN}).
     */
    Optional<String> adminToken();

    /** The server's key pairs. */
    Keys keys();

    /** Where the key pairs live. */
    interface Keys {

        /** Folder of the key pairs (private: back it up, never share it); the first pair is generated there. */
        @WithDefault("./data/server/keys")
        String dir();
    }

    /** Limits and checks of {@code POST /api/v1/batches}. */
    Ingest ingest();

    /** The apply worker. */
    Apply apply();

    /** The two supported databases. */
    enum Database {
        h2,
        postgresql
    }

    /** Receive limits; beyond them a batch is answered 413 and nothing of it is stored. */
    interface Ingest {

        /** Most transactions in one batch. */
        @WithDefault("1000")
        int maxTransactions();

        /** Most bytes of a batch's JSON, after gzip decompression (the bound that defuses gzip bombs). */
        @WithDefault("16777216")
        long maxBytes();

        /** Most bytes of one transaction's payload (decoded from base64). */
        @WithDefault("1048576")
        int maxPayloadBytes();

        /** Whether payloads sealed with the unencrypted {@code plain-json} codec are accepted. */
        @WithDefault("true")
        boolean acceptPlainJson();
    }

    /** Applying stored transactions into the study tables, per producer in seq order. */
    interface Apply {

        /** Whether this instance runs an apply worker (several instances may; they never share a producer). */
        @WithDefault("true")
        boolean enabled();

        /**
         * How often the worker looks for work without being woken: picks up transactions stored by other
         * instances and retries deferred ones. New batches on this instance wake it at once.
         */
        @WithDefault("1s")
        Duration interval();

        /** Most transactions of one producer applied in one database transaction. */
        @WithDefault("500")
        int chunkSize();
    }
}
