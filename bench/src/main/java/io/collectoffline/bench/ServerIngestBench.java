package io.collectoffline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.protocol.TimeOrderedUuid;
import io.collectoffline.testing.AppProcess;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;

/**
 * Server receive+apply rate on PostgreSQL, against a raw JDBC batched INSERT of the same rows into the same
 * database in the same run. Starts the packaged server on a fresh database, posts N household INSERTs from P
 * producers in gzip batches of B (two senders), waits until all are applied, and prints a table.
 *
 * <p>System properties: {@code bench.n} (100000), {@code bench.producers} (10), {@code bench.batch} (1000),
 * {@code bench.jdbc} (jdbc:postgresql://127.0.0.1:5432/bench), {@code bench.user} (postgres), {@code bench.logLevel}
 * (WARN; INFO shows per-batch timings in the server log), {@code bench.serverJvmArg} (one extra JVM option for the
 * server, e.g. {@code -XX:StartFlightRecording=filename=/tmp/server.jfr} to profile it). Scale part:
 * {@code bench.scaleStored} (1000000; 0 skips it), {@code bench.scaleN} (50000 per round), {@code bench.scaleRounds}
 * (3), {@code bench.ids} (random,v7), {@code bench.jdbcLarge} (the bench database's URL + _large). {@code bench.n=0}
 * skips the first part.
 */
public final class ServerIngestBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * A raw run: rows per second, and PostgreSQL's CPU seconds meanwhile (read before the run's connection closes, so
     * that its backend counts).
     */
    private record Raw(double rate, double postgresCpuSeconds) {}

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Each running server's token for the bench's relay device, by base URL. */
    private static final java.util.Map<String, String> TOKENS = new java.util.concurrent.ConcurrentHashMap<>();

    private ServerIngestBench() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("bench.n", 100_000);
        int producers = Integer.getInteger("bench.producers", 10);
        int batchSize = Integer.getInteger("bench.batch", 1000);
        String jdbc = System.getProperty("bench.jdbc", "jdbc:postgresql://127.0.0.1:5432/bench");
        String user = System.getProperty("bench.user", "postgres");
        Path jar = Path.of(System.getProperty("bench.serverJar", "../sync-server/target/quarkus-app/quarkus-run.jar"));
        String compareJar = System.getProperty("bench.compareJar");
        int scaleStored = Integer.getInteger("bench.scaleStored", 1_000_000);
        int scaleN = Integer.getInteger("bench.scaleN", 50_000);

        if (n > 0) {
            rate(n, producers, batchSize, jdbc, user, jar, compareJar);
        }
        if (scaleStored > 0) {
            scale(jar, jdbc, user, scaleStored, scaleN, producers, batchSize);
        }
    }

    private static void rate(int n, int producers, int batchSize, String jdbc, String user, Path jar, String compareJar)
            throws Exception {
        List<Prepared> prepared = prepare("bench", n, producers, batchSize);
        resetDatabase(jdbc, user);
        List<String> rows = new ArrayList<>();
        double rawRate;
        try (AppProcess server = startServer(jar, jdbc, user)) {
            // the server has migrated the fresh database: the raw figures are taken in it, before the server's run
            rawInsertRate(jdbc, user, Math.min(n, 20_000), "household_warmup", null); // JIT and caches warm first
            Raw raw = rawInsertRate(jdbc, user, n, "household_raw", null);
            rawRate = raw.rate();
            rows.add(row("raw JDBC batched INSERT of the same rows", n, raw, rawRate));
            rows.add(row(
                    "raw JDBC: the same rows plus their stored transactions (the server's minimum writes)",
                    n,
                    rawInsertRate(jdbc, user, n, "household_floor", prepared),
                    rawRate));
            rows.add(row(
                    "raw COPY of the same rows (1000 per COPY and commit)",
                    n,
                    rawCopyRate(jdbc, user, n, "household_copy", null),
                    rawRate));
            rows.add(row(
                    "raw COPY: the same rows plus their stored transactions (the floor with COPY)",
                    n,
                    rawCopyRate(jdbc, user, n, "household_copy_floor", prepared),
                    rawRate));
            rows.add(row(
                    "raw JDBC: the same rows plus all the server keeps per change (stored transaction, lineage, "
                            + "home site)",
                    n,
                    rawInsertRate(jdbc, user, n, "household_all", prepared, true),
                    rawRate));
            rows.add(row(
                    "raw COPY: the same rows plus all the server keeps per change (**the floor of this design**)",
                    n,
                    rawCopyRate(jdbc, user, n, "household_copy_all", prepared, true),
                    rawRate));
            long ticks = EndToEndBench.postgresTicks(); // the server's pool keeps its connections
            Timing timing = ingest(server, prepared, n);
            double postgres = (EndToEndBench.postgresTicks() - ticks) / EndToEndBench.TICKS;
            rows.add(row("server receive (all batches answered)", n, timing.receiveSeconds(), rawRate, Double.NaN));
            rows.add(row("**server receive + apply (all APPLIED)**", n, timing.totalSeconds(), rawRate, postgres));
        }
        if (compareJar != null) {
            resetDatabase(jdbc, user);
            try (AppProcess server = startServer(Path.of(compareJar), jdbc, user)) {
                long ticks = EndToEndBench.postgresTicks();
                Timing timing = ingest(server, prepared, n);
                rows.add(row(
                        "comparison jar " + compareJar + ": receive + apply",
                        n,
                        timing.totalSeconds(),
                        rawRate,
                        (EndToEndBench.postgresTicks() - ticks) / EndToEndBench.TICKS));
            }
        }
        printTable(
                "Server receive+apply on PostgreSQL, " + n + " household INSERTs, " + producers + " producers "
                        + "taking turns, batches of " + batchSize + " (gzip), 2 senders",
                rows);
    }

    /**
     * The same work into two servers at once, one on a database holding 10k transactions, one on a database holding
     * {@code stored}: rounds of {@code n} transactions go to the small one, then to the large one, so that the
     * machine's drift hits both alike; the median of the rounds' ratios is the figure. Once per id style (random
     * version 4 UUIDs as before, time-ordered version 7 as the laptop mints them now), with PostgreSQL's work per
     * 1000 transactions beside it.
     */
    private static void scale(Path jar, String jdbc, String user, int stored, int n, int producers, int batchSize)
            throws Exception {
        String largeJdbc = System.getProperty("bench.jdbcLarge", jdbc + "_large");
        int rounds = Integer.getInteger("bench.scaleRounds", 3);
        int small = 10_000;
        List<String> summary = new ArrayList<>();
        for (String style : System.getProperty("bench.ids", "random,v7").split(",")) {
            boolean timeOrdered = style.equals("v7");
            resetDatabase(jdbc, user);
            resetDatabase(largeJdbc, user);
            List<String> rows = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            DbProfile smallWork = null;
            DbProfile largeWork = null;
            try (AppProcess smallServer = startServer(jar, jdbc, user);
                    AppProcess largeServer = startServer(jar, largeJdbc, user)) {
                // the first 10k go through each server: they warm it up, so every measured round meets a warm JVM
                ingest(smallServer, prepare("scale-w", small, producers, batchSize, timeOrdered), small);
                ingest(largeServer, prepare("scale-w", small, producers, batchSize, timeOrdered), small);
                preload(largeJdbc, user, small, stored - small, timeOrdered);
                for (int round = 1; round <= rounds; round++) {
                    String prefix = "scale-" + round;
                    DbProfile before = DbProfile.take(jdbc, user);
                    Timing a = ingest(
                            smallServer,
                            prepare(prefix, n, producers, batchSize, timeOrdered),
                            small + (long) round * n);
                    smallWork = DbProfile.take(jdbc, user).minus(before).plus(smallWork);
                    before = DbProfile.take(largeJdbc, user);
                    Timing b = ingest(
                            largeServer,
                            prepare(prefix, n, producers, batchSize, timeOrdered),
                            stored + (long) round * n);
                    largeWork = DbProfile.take(largeJdbc, user).minus(before).plus(largeWork);
                    double ratio = a.totalSeconds() / b.totalSeconds();
                    ratios.add(ratio);
                    rows.add(String.format(
                            Locale.ROOT,
                            "| %d | %d | %.0f | %d | %.0f | %.2f |",
                            round,
                            small + (round - 1) * n,
                            n / a.totalSeconds(),
                            stored + (round - 1) * n,
                            n / b.totalSeconds(),
                            ratio));
                }
            }
            ratios.sort(Double::compare);
            double median = ratios.get(ratios.size() / 2);
            System.out.println();
            System.out.println("Scale, " + style + " ids: rounds of " + n + " transactions into a server holding few "
                    + "vs one holding " + stored + " (ratio = large rate / small rate)");
            System.out.println(
                    "| round | small: stored before | small: tx/s | large: stored before | large: tx/s " + "| ratio |");
            System.out.println("|---:|---:|---:|---:|---:|---:|");
            rows.forEach(System.out::println);
            DbProfile.print(
                    "PostgreSQL's work, " + style + " ids (per 1000 transactions, all rounds; pg_stat_wal, "
                            + "pg_stat_bgwriter, pg_statio_user_tables/indexes)",
                    rounds * n,
                    "small",
                    smallWork,
                    "large",
                    largeWork);
            summary.add(String.format(
                    Locale.ROOT,
                    "| %s | %s | **%.2f** |",
                    style,
                    ratios.stream()
                            .map(r -> String.format(Locale.ROOT, "%.2f", r))
                            .toList(),
                    median));
        }
        System.out.println();
        System.out.println("Scale summary: rate with " + stored + " stored vs with few (median of the rounds)");
        System.out.println("| ids | ratios per round | median |");
        System.out.println("|---|---|---:|");
        summary.forEach(System.out::println);
    }

    /**
     * Stores {@code count} applied household INSERTs of 100 producers straight into the server's tables (as if
     * received and applied earlier), with their households, watermarks and cursors; ids time-ordered (minted over
     * the past day, in order) or random.
     */
    private static void preload(String jdbc, String user, int from, int count, boolean timeOrdered) throws Exception {
        long start = System.nanoTime();
        try (Connection c = DriverManager.getConnection(jdbc, user, "");
                Statement s = c.createStatement()) {
            // a version 7 UUID in SQL: the millisecond in the first 6 bytes, version nibble 7, random elsewhere
            s.execute("CREATE FUNCTION pg_temp.uuid7(ms bigint) RETURNS uuid LANGUAGE sql AS $$ SELECT encode("
                    + "set_byte(overlay(uuid_send(gen_random_uuid()) PLACING substring(int8send(ms) FROM 3) FROM 1), "
                    + "6, (get_byte(uuid_send(gen_random_uuid()), 6) & 15) | 112), 'hex')::uuid $$");
            String id = timeOrdered
                    ? "pg_temp.uuid7(" + (System.currentTimeMillis() - 86_400_000L) + " + g)"
                    : "gen_random_uuid()";
            s.execute("CREATE TEMP TABLE pre AS SELECT g, " + id + " AS id, " + id + " AS tx_id, 'pre-' || (g % 100) "
                    + "AS producer, g / 100 + 1 AS seq FROM generate_series(" + from + ", " + (from + count - 1)
                    + ") g");
            s.execute("INSERT INTO household (id, household_identifier, village, enumeration_date, version, "
                    + "user_created, user_modified) SELECT id, 'PRE-' || g, 'Oodi', DATE '2026-11-20', 0, 'tshepo', "
                    + "'tshepo' FROM pre ORDER BY g");
            s.execute("INSERT INTO incoming_transaction (tx_id, producer, seq, model, record_id, action, captured_at, "
                    + "key_id, payload, content_hash, sender, batch_id, received_at, status, applied_at, attempts) "
                    + "SELECT tx_id, producer, seq, 'study.household', id, 'INSERT', now(), 'plain-json', "
                    + "convert_to(repeat('x', 480), 'UTF8'), repeat('0', 64), 'bench-relay', gen_random_uuid(), "
                    + "now(), 'APPLIED', now(), 1 FROM pre ORDER BY g");
            for (String table : List.of("producer_state", "apply_cursor")) {
                s.execute("DELETE FROM " + table + " WHERE producer LIKE 'pre-%'");
            }
            s.execute("INSERT INTO producer_state (producer, stored_watermark, max_seq, last_received_at, "
                    + "stored_count) SELECT producer, MAX(seq), MAX(seq), now(), COUNT(*) FROM incoming_transaction "
                    + "WHERE producer LIKE 'pre-%' "
                    + "GROUP BY producer");
            s.execute("INSERT INTO apply_cursor (producer, applied_seq, last_applied_at) SELECT producer, "
                    + "stored_watermark, now() FROM producer_state WHERE producer LIKE 'pre-%'");
            s.execute("VACUUM ANALYZE incoming_transaction");
            s.execute("VACUUM ANALYZE household");
        }
        System.out.printf(
                Locale.ROOT, "preloaded %d stored transactions in %.1f s%n", count, (System.nanoTime() - start) / 1e9);
    }

    private static AppProcess startServer(Path jar, String jdbc, String user) throws Exception {
        Path work = Files.createTempDirectory("bench-server");
        System.out.println("server log: " + work);
        AppProcess server = AppProcess.start(
                        jar,
                        AppProcess.freePort(),
                        work,
                        "-Dsync.server.db=postgresql",
                        "-Dquarkus.datasource.postgresql.jdbc.url=" + jdbc,
                        "-Dquarkus.datasource.postgresql.username=" + user,
                        "-Dsync.server.ingest.accept-unsigned=true",
                        "-Dquarkus.log.level=" + System.getProperty("bench.logLevel", "WARN"),
                        "-Xmx512m",
                        System.getProperty("bench.serverJvmArg", "-Dbench.server=true"))
                .awaitReady();
        io.collectoffline.testing.ServerAdmin.seed(jdbc);
        String token = JSON.readTree(HTTP.send(
                                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/devices"))
                                        .header("Authorization", "Bearer " + BenchApps.ADMIN)
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(
                                                "{\"deviceId\":\"bench-relay\",\"role\":\"server\"}"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body())
                .get("token")
                .asText();
        TOKENS.put(server.baseUrl(), token);
        return server;
    }

    private record Timing(double receiveSeconds, double totalSeconds) {}

    /** Posts the batches from two senders; returns when all are answered and when {@code appliedTotal} are applied. */
    private static Timing ingest(AppProcess server, List<Prepared> batches, long appliedTotal) throws Exception {
        long start = System.nanoTime();
        ExecutorService senders = Executors.newFixedThreadPool(2);
        List<Future<?>> sent = new ArrayList<>();
        for (Prepared batch : batches) {
            sent.add(senders.submit(() -> post(server.baseUrl(), batch.gzipBody())));
        }
        try {
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            senders.shutdownNow();
        }
        double receiveSeconds = (System.nanoTime() - start) / 1e9;
        long applied;
        do {
            Thread.sleep(100);
            applied = status(server.baseUrl()).path("counts").path("APPLIED").asLong();
        } while (applied < appliedTotal);
        return new Timing(receiveSeconds, (System.nanoTime() - start) / 1e9);
    }

    private static String row(String measure, int n, double seconds, double reference) {
        double rate = n / seconds;
        return String.format(Locale.ROOT, "| %s | %.2f | %.0f | %.2f |", measure, seconds, rate, rate / reference);
    }

    /** The row of a raw run. */
    private static String row(String measure, int n, Raw raw, double reference) {
        return row(measure, n, n / raw.rate(), reference, raw.postgresCpuSeconds());
    }

    /** A row with PostgreSQL's CPU per 1000 transactions (all its processes, from {@code /proc}; blank for NaN). */
    private static String row(String measure, int n, double seconds, double reference, double postgresCpuSeconds) {
        return row(measure, n, seconds, reference)
                + (Double.isNaN(postgresCpuSeconds)
                        ? " |"
                        : String.format(Locale.ROOT, " %.3f |", postgresCpuSeconds / (n / 1000.0)));
    }

    private static void printTable(String title, List<String> rows) {
        System.out.println();
        System.out.println(title);
        System.out.println("| measure | seconds | transactions/s | ratio | PostgreSQL CPU s/1000 |");
        System.out.println("|---|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
    }

    private static void post(String baseUrl, byte[] gzipBody) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/batches"))
                            .header("Content-Type", "application/json")
                            .header("Content-Encoding", "gzip")
                            .header("Authorization", "Bearer " + TOKENS.get(baseUrl))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(gzipBody))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 || response.body().contains("REJECTED")) {
                throw new IllegalStateException("batch refused: " + response.statusCode() + " " + response.body());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode status(String baseUrl) throws Exception {
        return JSON.readTree(HTTP.send(
                        HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/status"))
                                .header("Authorization", "Bearer " + BenchApps.ADMIN)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
    }

    /** One batch: its transactions (for the floor figure) and its gzipped JSON body. */
    private record Prepared(List<ObjectNode> transactions, byte[] gzipBody) {}

    /**
     * N households spread over P producers, each producer's seqs in order, pre-serialised and gzipped; the batches
     * of the producers take turns.
     */
    private static List<Prepared> prepare(String prefix, int n, int producers, int batchSize) throws Exception {
        return prepare(prefix, n, producers, batchSize, true);
    }

    private static List<Prepared> prepare(String prefix, int n, int producers, int batchSize, boolean timeOrdered)
            throws Exception {
        List<Prepared> batches = new ArrayList<>();
        int perProducer = n / producers;
        // round robin over the producers: like laptops, each producer has one batch in flight at a time
        for (int from = 1; from <= perProducer; from += batchSize) {
            for (int p = 0; p < producers; p++) {
                String producer = prefix + "-" + p;
                ObjectNode batch = JsonNodeFactory.instance.objectNode();
                batch.put("batchId", UUID.randomUUID().toString());
                batch.put("sender", "bench-relay");
                ArrayNode txs = batch.putArray("transactions");
                for (int seq = from; seq < from + batchSize && seq <= perProducer; seq++) {
                    UUID id = timeOrdered ? TimeOrderedUuid.next() : UUID.randomUUID();
                    ObjectNode tx = txs.addObject();
                    tx.put("txId", (timeOrdered ? TimeOrderedUuid.next() : UUID.randomUUID()).toString());
                    tx.put("producer", producer);
                    tx.put("seq", seq);
                    tx.put("model", "study.household");
                    tx.put("recordId", id.toString());
                    tx.put("action", "INSERT");
                    tx.put("capturedAt", "2026-11-27T08:00:00Z");
                    tx.put("keyId", "plain-json");
                    tx.put("payload", Base64.getEncoder().encodeToString(snapshot(id, producer + "-" + seq)));
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                    gz.write(JSON.writeValueAsBytes(batch));
                }
                List<ObjectNode> list = new ArrayList<>();
                txs.forEach(t -> list.add((ObjectNode) t));
                batches.add(new Prepared(list, out.toByteArray()));
            }
        }
        return batches;
    }

    private static byte[] snapshot(UUID id, String identifier) throws Exception {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("model", "study.household");
        root.put("schemaVersion", 2);
        ObjectNode f = root.putObject("fields");
        f.put("id", id.toString());
        f.put("household_identifier", identifier.toUpperCase(Locale.ROOT));
        f.put("village", "Oodi");
        f.put("enumeration_date", "2026-11-20");
        f.put("version", 0);
        f.put("created", "2026-11-27T08:00:00Z");
        f.put("modified", "2026-11-27T08:00:00Z");
        f.put("user_created", "tshepo");
        f.put("user_modified", "tshepo");
        f.put("hostname_created", "field-laptop");
        f.put("hostname_modified", "field-laptop");
        f.put("device_created", "laptop-01");
        f.put("device_modified", "laptop-01");
        return JSON.writeValueAsBytes(root);
    }

    /**
     * The same rows straight into a copy of the household table with one JDBC batch per 1000 rows and a commit per
     * batch. With {@code withTransactions}, each 1000 rows also go, in the same database transaction, into a copy of
     * the server's incoming_transaction table (its indexes included) with the payload bytes the server stores: the
     * least any design that keeps every transaction (history, relaying) must write.
     */
    private static Raw rawInsertRate(String jdbc, String user, int n, String table, List<Prepared> withTransactions)
            throws Exception {
        return rawInsertRate(jdbc, user, n, table, withTransactions, false);
    }

    /**
     * As above; with {@code everything}, each change's record_lineage and record_home rows as well (copies of the
     * server's tables with their indexes): the rows the server writes for a new household besides the record and its
     * stored transaction (ADR 14), so that the floor is of everything this design keeps per change.
     */
    private static Raw rawInsertRate(
            String jdbc, String user, int n, String table, List<Prepared> withTransactions, boolean everything)
            throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, user, "")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + table + " (id UUID PRIMARY KEY, household_identifier VARCHAR(36) NOT NULL "
                        + "UNIQUE, village VARCHAR(100), enumeration_date DATE, version BIGINT NOT NULL, "
                        + "created TIMESTAMPTZ NOT NULL, modified TIMESTAMPTZ NOT NULL, user_created VARCHAR(50), "
                        + "user_modified VARCHAR(50), hostname_created VARCHAR(60), hostname_modified VARCHAR(60), "
                        + "device_created VARCHAR(36), device_modified VARCHAR(36))");
                if (withTransactions != null) {
                    s.execute("CREATE TABLE " + table + "_tx (LIKE incoming_transaction INCLUDING ALL)");
                }
                if (everything) {
                    s.execute("CREATE TABLE " + table + "_lineage (LIKE record_lineage INCLUDING ALL)");
                    s.execute("CREATE TABLE " + table + "_home (LIKE record_home INCLUDING ALL)");
                }
            }
            c.setAutoCommit(false);
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            List<ObjectNode> transactions = new ArrayList<>();
            if (withTransactions != null) {
                withTransactions.forEach(p -> transactions.addAll(p.transactions()));
            }
            long postgresStart = EndToEndBench.postgresTicks(); // this connection's backend lives until the end
            long start = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO " + table + " VALUES " + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                    PreparedStatement tx = withTransactions == null
                            ? null
                            : c.prepareStatement("INSERT INTO " + table
                                    + "_tx (tx_id, producer, seq, model, record_id, action, captured_at, key_id, "
                                    + "payload, "
                                    + "content_hash, sender, batch_id, received_at, status, applied_at, attempts) "
                                    + "VALUES "
                                    + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'APPLIED', ?, 1)");
                    PreparedStatement lineage = everything
                            ? c.prepareStatement("INSERT INTO " + table + "_lineage VALUES (?, ?, 'study.household')")
                            : null;
                    PreparedStatement home = everything
                            ? c.prepareStatement("INSERT INTO " + table + "_home VALUES (?, 'site-a')")
                            : null) {
                UUID batchId = UUID.randomUUID();
                for (int i = 0; i < n; i++) {
                    ps.setObject(1, UUID.randomUUID());
                    ps.setString(2, table + "-" + i);
                    ps.setString(3, "Oodi");
                    ps.setObject(4, java.time.LocalDate.of(2026, 11, 20));
                    ps.setLong(5, 0);
                    ps.setObject(6, now);
                    ps.setObject(7, now);
                    ps.setString(8, "tshepo");
                    ps.setString(9, "tshepo");
                    ps.setString(10, "field-laptop");
                    ps.setString(11, "field-laptop");
                    ps.setString(12, "laptop-01");
                    ps.setString(13, "laptop-01");
                    ps.addBatch();
                    if (tx != null) {
                        ObjectNode t = transactions.get(i);
                        tx.setObject(1, UUID.fromString(t.get("txId").asText()));
                        tx.setString(2, t.get("producer").asText());
                        tx.setLong(3, t.get("seq").asLong());
                        tx.setString(4, t.get("model").asText());
                        tx.setObject(5, UUID.fromString(t.get("recordId").asText()));
                        tx.setString(6, t.get("action").asText());
                        tx.setObject(7, now);
                        tx.setString(8, t.get("keyId").asText());
                        tx.setBytes(
                                9, Base64.getDecoder().decode(t.get("payload").asText()));
                        tx.setString(10, "0".repeat(64));
                        tx.setString(11, "bench-relay");
                        tx.setObject(12, batchId);
                        tx.setObject(13, now);
                        tx.setObject(14, now);
                        tx.addBatch();
                        if (everything) {
                            UUID recordId = UUID.fromString(t.get("recordId").asText());
                            lineage.setObject(1, recordId);
                            lineage.setObject(2, recordId);
                            lineage.addBatch();
                            home.setObject(1, recordId);
                            home.addBatch();
                        }
                    }
                    if ((i + 1) % 1000 == 0 || i == n - 1) {
                        ps.executeBatch();
                        for (PreparedStatement more : new PreparedStatement[] {tx, lineage, home}) {
                            if (more != null) {
                                more.executeBatch();
                            }
                        }
                        c.commit();
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Raw(n / seconds, (EndToEndBench.postgresTicks() - postgresStart) / EndToEndBench.TICKS);
        }
    }

    /**
     * The same rows as {@link #rawInsertRate}, written with PostgreSQL's COPY (text format), 1000 rows per COPY and
     * commit; with {@code withTransactions}, their stored transactions too, by COPY into a copy of
     * incoming_transaction in the same database transaction: the floor of the server's writes with COPY.
     */
    private static Raw rawCopyRate(String jdbc, String user, int n, String table, List<Prepared> withTransactions)
            throws Exception {
        return rawCopyRate(jdbc, user, n, table, withTransactions, false);
    }

    /** As above; with {@code everything}, the lineage and home rows too, by COPY (see {@link #rawInsertRate}). */
    private static Raw rawCopyRate(
            String jdbc, String user, int n, String table, List<Prepared> withTransactions, boolean everything)
            throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, user, "")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + table + " (LIKE household_raw INCLUDING ALL)");
                if (withTransactions != null) {
                    s.execute("CREATE TABLE " + table + "_tx (LIKE incoming_transaction INCLUDING ALL)");
                }
                if (everything) {
                    s.execute("CREATE TABLE " + table + "_lineage (LIKE record_lineage INCLUDING ALL)");
                    s.execute("CREATE TABLE " + table + "_home (LIKE record_home INCLUDING ALL)");
                }
            }
            c.setAutoCommit(false);
            org.postgresql.copy.CopyManager copy =
                    c.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
            String now = OffsetDateTime.now(ZoneOffset.UTC).toString();
            List<ObjectNode> transactions = new ArrayList<>();
            if (withTransactions != null) {
                withTransactions.forEach(p -> transactions.addAll(p.transactions()));
            }
            UUID batchId = UUID.randomUUID();
            long postgresStart = EndToEndBench.postgresTicks(); // this connection's backend lives until the end
            long start = System.nanoTime();
            StringBuilder records = new StringBuilder();
            StringBuilder stored = new StringBuilder();
            StringBuilder lineage = new StringBuilder();
            StringBuilder home = new StringBuilder();
            for (int i = 0; i < n; i++) {
                records.append(UUID.randomUUID())
                        .append('\t')
                        .append(table)
                        .append('-')
                        .append(i)
                        .append("\tOodi\t2026-11-20\t0\t")
                        .append(now)
                        .append('\t')
                        .append(now)
                        .append("\ttshepo\ttshepo\tfield-laptop\tfield-laptop\tlaptop-01\tlaptop-01\n");
                if (withTransactions != null) {
                    ObjectNode t = transactions.get(i);
                    stored.append(t.get("txId").asText())
                            .append('\t')
                            .append(t.get("producer").asText())
                            .append('\t')
                            .append(t.get("seq").asLong())
                            .append('\t')
                            .append(t.get("model").asText())
                            .append('\t')
                            .append(t.get("recordId").asText())
                            .append('\t')
                            .append(t.get("action").asText())
                            .append('\t')
                            .append(now)
                            .append('\t')
                            .append(t.get("keyId").asText())
                            .append("\t\\\\x")
                            .append(java.util.HexFormat.of()
                                    .formatHex(Base64.getDecoder()
                                            .decode(t.get("payload").asText())))
                            .append('\t')
                            .append("0".repeat(64))
                            .append("\tbench-relay\t")
                            .append(batchId)
                            .append('\t')
                            .append(now)
                            .append("\tAPPLIED\t")
                            .append(now)
                            .append("\t1\n");
                    if (everything) {
                        String recordId = t.get("recordId").asText();
                        lineage.append(recordId).append('\t').append(recordId).append("\tstudy.household\n");
                        home.append(recordId).append("\tsite-a\n");
                    }
                }
                if ((i + 1) % 1000 == 0 || i == n - 1) {
                    copy.copyIn("COPY " + table + " FROM STDIN", new java.io.StringReader(records.toString()));
                    if (withTransactions != null) {
                        copy.copyIn(
                                "COPY " + table + "_tx (tx_id, producer, seq, model, record_id, action, captured_at, "
                                        + "key_id, payload, content_hash, sender, batch_id, received_at, status, "
                                        + "applied_at, attempts) FROM STDIN",
                                new java.io.StringReader(stored.toString()));
                    }
                    if (everything) {
                        copy.copyIn(
                                "COPY " + table + "_lineage FROM STDIN", new java.io.StringReader(lineage.toString()));
                        copy.copyIn("COPY " + table + "_home FROM STDIN", new java.io.StringReader(home.toString()));
                    }
                    c.commit();
                    records.setLength(0);
                    stored.setLength(0);
                    lineage.setLength(0);
                    home.setLength(0);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Raw(n / seconds, (EndToEndBench.postgresTicks() - postgresStart) / EndToEndBench.TICKS);
        }
    }

    private static void resetDatabase(String jdbc, String user) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, user, "");
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA public CASCADE");
            s.execute("CREATE SCHEMA public");
        }
    }
}
