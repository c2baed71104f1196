package io.collectoffline.client.config;

import io.collectoffline.shipping.BatchesInFlight;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.net.URI;
import java.time.Duration;
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

    /** Who may enter data: people's logins (issue 19). */
    Users users();

    /** The server this laptop pushes to. */
    Server server();

    /** Pushing the outbox. */
    Push push();

    /** Receiving records from the server (two-way). */
    DownSync downsync();

    /** Serving pulls to a middleman (field laptops). */
    Pull pull();

    /** Pulling from field laptops (middleman laptops). */
    Middleman middleman();

    /** Files to carry by hand (a USB stick) when there is no network and no middleman. */
    Files files();

    /** Export files and receipts of this laptop. */
    interface Files {

        /** Folder of export files ({@code outgoing/}) and of the receipts taken back ({@code receipts/}). */
        @WithDefault("./data/client/files")
        String dir();

        /** Most transactions in one export file (a larger outbox becomes several chained files). */
        @WithDefault("100000")
        int maxTransactionsPerFile();
    }

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
         * Which codec seals payloads: {@code sealed} (AES-256-GCM, data keys wrapped to the server's public key; only
         * the server can read them) or {@code plain-json} (readable by anyone holding the queue, a file or the
         * traffic; development and non-personal data only).
         */
        @WithDefault("sealed")
        String codec();

        /**
         * The server's public key as a JSON file ({@code keys current} on the server prints it), for a laptop set
         * up without network. Without it the key is fetched from {@code sync.client.server.url} at first start.
         */
        Optional<java.nio.file.Path> publicKeyFile();

        /** Payloads sealed with one data key before a new one is made (bounds what one key protects). */
        @WithDefault("10000")
        long epochTransactions();

        /** Longest time one data key is used. */
        @WithDefault("24h")
        Duration epochLength();

        /**
         * Whether the sealed codec compresses each snapshot before sealing it (payload version 2, ADR 15: about a
         * third of the bytes for a form). Servers of this release and later open both versions; a laptop pushing to
         * an older server (upgrade servers first) sets {@code false} until the server is upgraded.
         */
        @WithDefault("true")
        boolean compress();
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

    /** The next hop. */
    /** Who may enter data on this laptop. */
    interface Users {

        /**
         * {@code required}: data is entered and read only by a person logged in with an account the server sent
         * (offline login; every change carries their name); {@code off}: anyone who reaches the laptop's API, named
         * by the header {@code X-Collect-User} (tools, tests, a laptop of one person).
         */
        @WithDefault("required")
        Login login();

        /** A login ends after this long without a request: the laptop locks. */
        @WithDefault("10m")
        Duration idleLock();

        /** Wrong passwords in a row after which a name cannot log in for {@link #lockFor()}. */
        @WithDefault("5")
        int lockAfter();

        @WithDefault("15m")
        Duration lockFor();

        /** Whether logins are required. */
        enum Login {
            required,
            off
        }
    }

    interface Server {

        /** Base URL of the server, e.g. {@code https://site-01.example.org}; absent: this laptop does not push. */
        Optional<URI> url();

        /** This laptop's device token, shown once when an admin enrolled it on the server. */
        Optional<String> token();

        /** How long to wait for a connection. */
        @WithDefault("5s")
        Duration connectTimeout();

        /** How long to wait for a batch's answer. */
        @WithDefault("60s")
        Duration requestTimeout();
    }

    /** Pushing the outbox to the server. */
    interface Push {

        /** How often to push what is pending ({@code 30s}, {@code 5m}, …), or {@code off} for on demand only. */
        @WithDefault("30s")
        String interval();

        /** Most transactions in one batch. */
        @WithDefault("500")
        int maxTransactions();

        /** Most bytes of one batch's JSON (before gzip); a single larger transaction is still sent alone. */
        @WithDefault("4194304")
        int maxBytes();

        /**
         * How many batches travel at once: with 2 the next batch is read and sent while the server stores and
         * applies the one before (it keeps each producer's order itself); 1 waits for each answer.
         */
        @WithDefault("2")
        @WithConverter(BatchesInFlight.class)
        int inFlight();

        /** First wait after a transient failure; doubled per failure, with jitter, up to {@code backoff-max}. */
        @WithDefault("2s")
        Duration backoffInitial();

        /** Longest wait between attempts after transient failures. */
        @WithDefault("5m")
        Duration backoffMax();

        /**
         * How long a transaction the server refused waits before a push sends it again by itself: the cause may be
         * fixed on the server (upgraded for a new model or schema, a key installed, a limit raised), and a refused
         * seq holds its producer's later transactions back there until it arrives or an admin skips it.
         */
        @WithDefault("6h")
        Duration resendRejectedAfter();

        /**
         * How often a scheduled push runs even with nothing to send, to ask the server whether it still holds what
         * it confirmed: a server restored from a backup gets back what it lost without waiting for a new change.
         */
        @WithDefault("1h")
        Duration checkDeliveredEvery();

        /**
         * Fault injection for tests only: stop the JVM at once after the first batch's answer arrived and before
         * it is saved, as a crash would. Never set it on a real laptop.
         */
        @WithDefault("false")
        boolean faultHaltAfterSend();
    }

    /** Receiving the records this laptop is subscribed to from its server (two-way, ADR 14). */
    interface DownSync {

        /**
         * Whether the push's schedule also receives ({@code sync.client.push.interval}); when false the laptop
         * receives on demand only ({@code POST /api/v1/downsync}).
         */
        @WithDefault("true")
        boolean scheduled();

        /** Most entries asked for in one page (1 to 1000); the server also bounds a page's bytes. */
        @WithDefault("500")
        int pageSize();
    }

    /** The pull API a field laptop offers a middleman. */
    interface Pull {

        /**
         * Token a middleman must present to pull from this laptop (agreed when pairing the two). Absent: this laptop
         * serves no pulls. The pull API is the only part of the laptop reachable from other machines.
         */
        Optional<String> pairingToken();

        /** Most transactions in one pulled page. */
        @WithDefault("500")
        int maxPage();
    }

    /** A middleman's pulls. */
    interface Middleman {

        /** Transactions asked for per page when pulling. */
        @WithDefault("500")
        int pageSize();

        /**
         * Most down-sync entries carried for one field laptop at a time (two-way): fetched from the server, kept
         * unread until the laptop takes them at a pull; more are fetched after the hand-over.
         */
        @WithDefault("10000")
        int carryMax();

        /**
         * Fault injection for tests only: stop the JVM at once after a pulled page is stored and before it is
         * acknowledged to the field laptop, as a crash would. Never set it on a real laptop.
         */
        @WithDefault("false")
        boolean faultHaltAfterStore();
    }
}
