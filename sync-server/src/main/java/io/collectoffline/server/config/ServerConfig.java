package io.collectoffline.server.config;

import io.collectoffline.shipping.BatchesInFlight;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
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
     * No longer accepted: the shared admin token of earlier releases, whose actions named no person. The server does
     * not start while it is set; people have named accounts (ADR 16).
     */
    Optional<String> adminToken();

    /** People's accounts: sessions of the pages, API tokens, locking after wrong passwords. */
    Users users();

    /** People's accounts. */
    interface Users {

        /** A page session ends after this long without a request. */
        @WithDefault("30m")
        Duration sessionIdle();

        /** A page session ends this long after the login, used or not. */
        @WithDefault("12h")
        Duration sessionMax();

        /** Days an API token (CLI, scripts) is valid for, unless its holder asks for fewer. */
        @WithDefault("90")
        int apiTokenDays();

        /** Wrong passwords in a row after which an account is locked for {@link #lockFor()}. */
        @WithDefault("5")
        int lockAfter();

        /** How long a locked account cannot log in. */
        @WithDefault("15m")
        Duration lockFor();
    }

    /** The server's key pairs. */
    Keys keys();

    /** Where the key pairs live. */
    interface Keys {

        /** Folder of the key pairs (private: back it up, never share it); the first pair is generated there. */
        @WithDefault("./data/server/keys")
        String dir();
    }

    /**
     * This server's own device id: the sender of what it forwards upstream (enrolled there as a {@code server}
     * device) and the exporting node named in its export files.
     */
    @WithDefault("server")
    String nodeId();

    /** Forwarding to an upstream (central) server by REST. */
    Upstream upstream();

    /** The status ({@code GET /api/v1/status}). */
    Status status();

    /** What the status lists. */
    interface Status {

        /**
         * Most producers listed, by producer id; the status says how many more there are
         * ({@code producersNotListed}).
         */
        @WithDefault("1000")
        int maxProducers();
    }

    /** Export and import files between servers. */
    Files files();

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

        /**
         * Whether a transaction without a signature is taken from a device that has no signing key registered here
         * (laptops older than signing, hand-made test batches). A device with a registered key must always sign:
         * its unsigned transactions are refused whatever this says (README, Guarantees 10).
         */
        @WithDefault("false")
        boolean acceptUnsigned();
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

        /**
         * How often the worker puts the transactions in ERROR back in line by itself (and once at start), as an
         * admin's retry would: the cause may be gone (the records referring to a deleted one deleted since, the keys
         * to open it restored, a fix deployed). What still fails is ERROR again, with its reason.
         */
        @WithDefault("1h")
        Duration retryErrorsEvery();

        /** Most transactions of one producer applied in one database transaction. */
        @WithDefault("500")
        int chunkSize();
    }

    /** The upstream server this one forwards every stored transaction to, unchanged. */
    interface Upstream {

        /** Base URL of the upstream (central) server; absent: no REST forwarding. */
        Optional<java.net.URI> url();

        /** This server's device token on the upstream (enrolled there with role {@code server}). */
        Optional<String> token();

        /** How often to forward ({@code 30s}, …) or {@code off}. */
        @WithDefault("30s")
        String interval();

        /** Most transactions per forwarded batch. */
        @WithDefault("500")
        int batchSize();

        /**
         * How many batches travel to the upstream at once: with 2 the next batch is read and sent while the
         * upstream stores and applies the one before (it keeps each producer's order itself); 1 waits for each
         * answer.
         */
        @WithDefault("2")
        @WithConverter(BatchesInFlight.class)
        int inFlight();

        /** How long to wait for the upstream's answer; a batch that outlives it is halved and sent again. */
        @WithDefault("60s")
        Duration requestTimeout();

        /** How long to wait for a connection to the upstream. */
        @WithDefault("5s")
        Duration connectTimeout();

        /** First wait after a failed forwarding pass; doubles with each failure in a row, with jitter. */
        @WithDefault("10s")
        Duration backoffInitial();

        /** Longest wait between failed forwarding passes. */
        @WithDefault("10m")
        Duration backoffMax();

        /**
         * How often a round of forwarding passes asks the upstream about every producer this server holds (a slice
         * per pass), not only those with something to forward: an upstream restored from a backup gets back what it
         * lost, of producers that send nothing new too.
         */
        @WithDefault("1h")
        Duration checkForwardedEvery();

        /**
         * A transaction the upstream refused (by REST or in a file's receipt) is sent again by itself after this:
         * the cause may have been fixed there (a limit raised, an upgrade, its keys restored).
         */
        @WithDefault("6h")
        Duration resendRejectedAfter();
    }

    /** Files between servers (a USB stick, scp): export, import, receipts. */
    interface Files {

        /**
         * Root folder: {@code outgoing/} (exports), {@code inbox/} (files to import), {@code archive/},
         * {@code quarantine/}, {@code receipts/} (receipts written for exporters), {@code receipts-inbox/}
         * (receipts from the importer).
         */
        @WithDefault("./data/server/files")
        String dir();

        /** How often to export what has not been forwarded yet ({@code 1h}, …) or {@code off}. */
        @WithDefault("off")
        String exportInterval();

        /** How often to look into the inbox folders ({@code 10s}, …) or {@code off}. */
        @WithDefault("10s")
        String watchInterval();

        /** Most transactions in one export file (a larger backlog becomes several chained files). */
        @WithDefault("100000")
        int maxTransactionsPerFile();
    }
}
