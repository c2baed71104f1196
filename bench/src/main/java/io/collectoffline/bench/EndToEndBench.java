package io.collectoffline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.collectoffline.testing.AppProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * End to end with the packaged apps: N changes entered on a laptop (through its bulk data entry API, captured and
 * sealed), then pushed to a server on PostgreSQL until all are applied there. Run twice: with {@code bench.e2e.n}
 * changes (100000) and with {@code bench.pending} (1000000; 0 skips it), the laptop app limited to
 * {@code -Xmx128m} in both. Prints a table; fails loudly if a count does not match at the end.
 *
 * <p>System properties: {@code bench.e2e.n}, {@code bench.pending}, {@code bench.jdbc}, {@code bench.user}.
 */
public final class EndToEndBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LAPTOP_FLAGS = "-Xmx128m";

    private EndToEndBench() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("bench.e2e.n", 100_000);
        int pending = Integer.getInteger("bench.pending", 1_000_000);
        String jdbc = System.getProperty("bench.jdbc", "jdbc:postgresql://127.0.0.1:5432/bench");
        String user = System.getProperty("bench.user", "postgres");
        Path clientJar = BenchApps.CLIENT_JAR;

        List<String> rows = new ArrayList<>();
        for (int count : pending > 0 ? new int[] {n, pending} : new int[] {n}) {
            BenchApps.resetDatabase(jdbc, user);
            Path work = Files.createTempDirectory("bench-e2e");
            try (AppProcess server = BenchApps.server(work, jdbc, user)) {
                String token = BenchApps.enrol(server, "bench-laptop");
                try (AppProcess laptop = AppProcess.start(
                                clientJar,
                                AppProcess.freePort(),
                                work.resolve("laptop"),
                                "-Dsync.client.server.url=" + server.baseUrl(),
                                "-Dsync.client.server.token=" + token,
                                "-Dsync.client.device-id=bench-laptop",
                                "-Dsync.client.push.interval=off",
                                "-Dquarkus.log.level=WARN",
                                LAPTOP_FLAGS)
                        .awaitReady()) {
                    long started = System.nanoTime();
                    enter(laptop.baseUrl(), count);
                    double entrySeconds = (System.nanoTime() - started) / 1e9;
                    check(status(laptop.baseUrl(), null).path("pending").asLong() == count, "pending on the laptop");

                    started = System.nanoTime();
                    long maxRssKb = 0;
                    JsonNode report = null;
                    while (status(laptop.baseUrl(), null).path("pending").asLong() > 0) {
                        report = send(laptop.baseUrl() + "/api/v1/push?wait=true", null, "");
                        maxRssKb = Math.max(maxRssKb, rssKb(laptop.pid()));
                    }
                    double pushSeconds = (System.nanoTime() - started) / 1e9;
                    long applied;
                    do {
                        Thread.sleep(100);
                        applied = status(server.baseUrl(), "bench-admin")
                                .path("counts")
                                .path("APPLIED")
                                .asLong();
                    } while (applied < count);
                    double totalSeconds = (System.nanoTime() - started) / 1e9;
                    check(applied == count, "applied on the server");
                    System.out.println("last push report: " + report);
                    rows.add(String.format(
                            Locale.ROOT,
                            "| %d | %.1f | %.0f | %.1f | %.1f | **%.0f** | %d MB |",
                            count,
                            entrySeconds,
                            count / entrySeconds,
                            pushSeconds,
                            totalSeconds,
                            count / totalSeconds,
                            maxRssKb / 1024));
                }
            }
        }
        System.out.println();
        System.out.println("End to end: changes entered on a laptop (" + LAPTOP_FLAGS + ", bulk API, captured and "
                + "sealed), pushed to a server on PostgreSQL until all applied");
        System.out.println("| changes | entry s | entered/s | push s | push + apply s | end to end tx/s | laptop RSS "
                + "while pushing |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
    }

    /** Enters {@code count} households through the laptop's bulk API, 1000 per request. */
    private static void enter(String laptop, int count) throws Exception {
        for (int from = 0; from < count; from += 1000) {
            ArrayNode records = JsonNodeFactory.instance.arrayNode();
            for (int i = from; i < Math.min(count, from + 1000); i++) {
                records.addObject().put("householdIdentifier", "E2E-" + i).put("village", "Oodi");
            }
            send(laptop + "/api/v1/records/study.household/bulk", null, JSON.writeValueAsString(records));
        }
    }

    private static JsonNode send(String url, String token, String body) throws Exception {
        return BenchApps.send(url, token, body);
    }

    private static JsonNode status(String baseUrl, String token) throws Exception {
        return BenchApps.get(baseUrl + "/api/v1/status", token);
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("count mismatch: " + what);
        }
    }

    static long rssKb(long pid) throws Exception {
        return BenchApps.procStatusKb(pid, "VmRSS");
    }
}
