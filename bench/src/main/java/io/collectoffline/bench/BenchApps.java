package io.collectoffline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.collectoffline.testing.AppProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What the end-to-end benchmarks share: the packaged apps as processes, and their JSON API over HTTP. */
final class BenchApps {

    static final Path SERVER_JAR = Path.of("../sync-server/target/quarkus-app/quarkus-run.jar");
    static final Path CLIENT_JAR = Path.of("../sync-client/target/quarkus-app/quarkus-run.jar");
    /** The admin token the benchmarks act with (written into the migrated database, as the e2e harness does). */
    static final String ADMIN = io.collectoffline.testing.ServerAdmin.TOKEN;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private BenchApps() {}

    /** Empties the benchmark's PostgreSQL database. */
    static void resetDatabase(String jdbc, String user) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, user, "");
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA public CASCADE");
            s.execute("CREATE SCHEMA public");
        }
    }

    /** The server on PostgreSQL, ready. */
    static AppProcess server(Path work, String jdbc, String user) throws IOException {
        return server(work, jdbc, user, "512m");
    }

    /** As {@link #server(Path, String, String)}, with a heap of {@code heap} ({@code -Xmx}) and more properties. */
    static AppProcess server(Path work, String jdbc, String user, String heap, String... more) throws IOException {
        List<String> properties = new ArrayList<>(List.of(
                "-Dsync.server.db=postgresql",
                "-Dquarkus.datasource.postgresql.jdbc.url=" + jdbc,
                "-Dquarkus.datasource.postgresql.username=" + user,
                "-Dquarkus.log.level=WARN",
                "-Xmx" + heap));
        properties.addAll(List.of(more));
        // e.g. -Dbench.serverJvmArgs=-XX:StartFlightRecording=filename=/tmp/server.jfr to profile the server
        properties.addAll(extraJvmArgs("bench.serverJvmArgs"));
        AppProcess server = AppProcess.start(
                        SERVER_JAR, AppProcess.freePort(), work.resolve("server"), properties.toArray(String[]::new))
                .awaitReady();
        try {
            io.collectoffline.testing.ServerAdmin.seed(jdbc);
        } catch (java.sql.SQLException e) {
            throw new IOException("making the benchmark's admin failed", e);
        }
        return server;
    }

    /** A field laptop {@code deviceId} on its own database under {@code dir}, with the unit's JVM options, ready. */
    static AppProcess laptop(Path dir, String deviceId, String serverUrl, String token) throws IOException {
        List<String> properties = new ArrayList<>(List.of(
                "-Dsync.client.server.url=" + serverUrl,
                "-Dsync.client.server.token=" + token,
                "-Dsync.client.device-id=" + deviceId,
                "-Dsync.client.push.interval=off",
                "-Dsync.client.users.login=off", // a benchmark enters data as a tool does
                "-Dquarkus.log.level=WARN"));
        properties.addAll(ClientBench.LAPTOP_FLAGS);
        // e.g. -Dbench.laptopJvmArgs=-XX:StartFlightRecording=filename=/tmp/laptop.jfr to profile the laptop
        properties.addAll(extraJvmArgs("bench.laptopJvmArgs"));
        return AppProcess.start(CLIENT_JAR, AppProcess.freePort(), dir, properties.toArray(String[]::new))
                .awaitReady();
    }

    /** The JVM options given in system property {@code property}, separated by spaces; none when it is not set. */
    private static List<String> extraJvmArgs(String property) {
        String options = System.getProperty(property, "").trim();
        return options.isEmpty() ? List.of() : List.of(options.split(" +"));
    }

    /** The laptop's JVM options in every benchmark: the systemd unit's (the shipped configuration). */
    static final String LAPTOP_FLAGS = String.join(" ", ClientBench.LAPTOP_FLAGS);

    /** Enters {@code count} households numbered {@code prefix}0, 1, … through the laptop's bulk API, 1000 a request. */
    static void enterHouseholds(String laptop, String prefix, int count) throws Exception {
        for (int from = 0; from < count; from += 1000) {
            ArrayNode records = JsonNodeFactory.instance.arrayNode();
            for (int i = from; i < Math.min(count, from + 1000); i++) {
                records.addObject().put("householdIdentifier", prefix + i).put("village", "Oodi");
            }
            send(laptop + "/api/v1/records/study.household/bulk", null, JSON.writeValueAsString(records));
        }
    }

    /** Enrols a field laptop; returns its token. */
    static String enrol(AppProcess server, String deviceId) throws Exception {
        return enrol(server, deviceId, "field");
    }

    /** Enrols a device with {@code role} ({@code field}, {@code server}, …); returns its token. */
    static String enrol(AppProcess server, String deviceId, String role) throws Exception {
        return send(
                        server.baseUrl() + "/api/v1/devices",
                        ADMIN,
                        "{\"deviceId\":\"" + deviceId + "\",\"role\":\"" + role + "\"}")
                .get("token")
                .asText();
    }

    static JsonNode send(String url, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofMinutes(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    static JsonNode get(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return JSON.readTree(
                HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    /**
     * Waits until {@code server} has applied {@code applied} transactions in all; fails if it applied more (a count
     * that does not match is a bug, never a benchmark figure).
     */
    static void awaitApplied(AppProcess server, long applied) throws Exception {
        long now;
        do {
            Thread.sleep(100);
            now = get(server.baseUrl() + "/api/v1/status", ADMIN)
                    .path("counts")
                    .path("APPLIED")
                    .asLong();
        } while (now < applied);
        check(now == applied, "applied on " + server.baseUrl() + ": " + now + " of " + applied);
    }

    /** Fails the benchmark when a count does not match: that is a bug, never a figure to print. */
    static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("count mismatch: " + what);
        }
    }

    /** A line of {@code /proc/<pid>/status} in kB ({@code VmRSS}, {@code VmHWM}, …); -1 when absent. */
    static long procStatusKb(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
