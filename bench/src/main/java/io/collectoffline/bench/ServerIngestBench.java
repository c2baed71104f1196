package io.collectoffline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * server, e.g. {@code -XX:StartFlightRecording=filename=/tmp/server.jfr} to profile it).
 */
public final class ServerIngestBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static volatile String token;

    private ServerIngestBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("bench.n", 100_000);
        int producers = Integer.getInteger("bench.producers", 10);
        int batchSize = Integer.getInteger("bench.batch", 1000);
        String jdbc = System.getProperty("bench.jdbc", "jdbc:postgresql://127.0.0.1:5432/bench");
        String user = System.getProperty("bench.user", "postgres");
        Path jar = Path.of(System.getProperty("bench.serverJar", "../sync-server/target/quarkus-app/quarkus-run.jar"));

        resetDatabase(jdbc, user);
        List<byte[]> batches = prepare(n, producers, batchSize);
        double rawRate = rawInsertRate(jdbc, user, n);
        resetDatabase(jdbc, user);

        Path work = Files.createTempDirectory("bench-server");
        try (AppProcess server = AppProcess.start(jar, AppProcess.freePort(), work, "-Dsync.server.db=postgresql",
                "-Dquarkus.datasource.postgresql.jdbc.url=" + jdbc, "-Dquarkus.datasource.postgresql.username=" + user,
                "-Dsync.server.admin-token=bench-admin",
                "-Dquarkus.log.level=" + System.getProperty("bench.logLevel", "WARN"), "-Xmx512m",
                System.getProperty("bench.serverJvmArg", "-Dbench.server=true")).awaitReady()) {
            token = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/devices"))
                    .header("Authorization", "Bearer bench-admin").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"deviceId\":\"bench-relay\",\"role\":\"server\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body()).get("token").asText();
            long start = System.nanoTime();
            ExecutorService senders = Executors.newFixedThreadPool(2);
            List<Future<?>> sent = new ArrayList<>();
            for (byte[] batch : batches) {
                sent.add(senders.submit(() -> post(server.baseUrl(), batch)));
            }
            for (Future<?> f : sent) {
                f.get();
            }
            senders.shutdown();
            double receiveSeconds = (System.nanoTime() - start) / 1e9;
            long applied;
            do {
                Thread.sleep(200);
                applied = status(server.baseUrl()).path("counts").path("APPLIED").asLong();
            } while (applied < n);
            double totalSeconds = (System.nanoTime() - start) / 1e9;

            System.out.println();
            System.out.println("server log: " + work);
            System.out.printf(Locale.ROOT, "Server receive+apply on PostgreSQL, %d transactions, %d producers, "
                    + "batches of %d (gzip), 2 senders%n", n, producers, batchSize);
            System.out.println("| measure | seconds | transactions/s | vs raw JDBC insert |");
            System.out.println("|---|---:|---:|---:|");
            System.out.printf(Locale.ROOT, "| raw JDBC batched INSERT of the same rows | %.2f | %.0f | 1.00 |%n",
                    n / rawRate, rawRate);
            System.out.printf(Locale.ROOT, "| server receive (all batches answered) | %.2f | %.0f | %.2f |%n",
                    receiveSeconds, n / receiveSeconds, (n / receiveSeconds) / rawRate);
            System.out.printf(Locale.ROOT, "| server receive + apply (all APPLIED) | %.2f | %.0f | %.2f |%n",
                    totalSeconds, n / totalSeconds, (n / totalSeconds) / rawRate);
        }
    }

    private static void post(String baseUrl, byte[] gzipBody) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/batches"))
                    .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(gzipBody)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 || response.body().contains("REJECTED")) {
                throw new IllegalStateException("batch refused: " + response.statusCode() + " " + response.body());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode status(String baseUrl) throws Exception {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/status"))
                .header("Authorization", "Bearer bench-admin").build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    /** N households spread over P producers, each producer's seqs in order, pre-serialised and gzipped. */
    private static List<byte[]> prepare(int n, int producers, int batchSize) throws Exception {
        List<byte[]> batches = new ArrayList<>();
        int perProducer = n / producers;
        for (int p = 0; p < producers; p++) {
            String producer = "bench-" + p;
            for (int from = 1; from <= perProducer; from += batchSize) {
                ObjectNode batch = JsonNodeFactory.instance.objectNode();
                batch.put("batchId", UUID.randomUUID().toString());
                batch.put("sender", "bench-relay");
                ArrayNode txs = batch.putArray("transactions");
                for (int seq = from; seq < from + batchSize && seq <= perProducer; seq++) {
                    UUID id = UUID.randomUUID();
                    ObjectNode tx = txs.addObject();
                    tx.put("txId", UUID.randomUUID().toString());
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
                batches.add(out.toByteArray());
            }
        }
        return batches;
    }

    private static byte[] snapshot(UUID id, String identifier) throws Exception {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("model", "study.household");
        root.put("schemaVersion", 1);
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

    /** The same rows straight into a copy of the household table with one JDBC batch per 1000 rows. */
    private static double rawInsertRate(String jdbc, String user, int n) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, user, "")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE household_raw (id UUID PRIMARY KEY, household_identifier VARCHAR(36) NOT NULL "
                        + "UNIQUE, village VARCHAR(100), enumeration_date DATE, version BIGINT NOT NULL, "
                        + "created TIMESTAMPTZ NOT NULL, modified TIMESTAMPTZ NOT NULL, user_created VARCHAR(50), "
                        + "user_modified VARCHAR(50), hostname_created VARCHAR(60), hostname_modified VARCHAR(60), "
                        + "device_created VARCHAR(36), device_modified VARCHAR(36))");
            }
            c.setAutoCommit(false);
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            long start = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO household_raw VALUES "
                    + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < n; i++) {
                    ps.setObject(1, UUID.randomUUID());
                    ps.setString(2, "RAW-" + i);
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
                    if ((i + 1) % 1000 == 0) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
                ps.executeBatch();
                c.commit();
            }
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static void resetDatabase(String jdbc, String user) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, user, ""); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA public CASCADE");
            s.execute("CREATE SCHEMA public");
        }
    }
}
