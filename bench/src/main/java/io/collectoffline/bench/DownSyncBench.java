package io.collectoffline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.collectoffline.testing.AppProcess;
import io.collectoffline.testing.LinkRelay;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Two-way (issue 17): the initial down-sync of {@code bench.downsync.n} records (default 100,000) to a new laptop —
 * records/s, bytes on the wire per record in each direction (counted at the socket, by a relay between the laptop
 * and the server), and the laptop's peak RSS. The records are households entered on another laptop and pushed to a
 * server on PostgreSQL first (not timed).
 */
public final class DownSyncBench {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final String LAPTOP_FLAGS = BenchApps.LAPTOP_FLAGS;

    private DownSyncBench() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("bench.downsync.n", 100_000);
        String jdbc = System.getProperty("bench.jdbc", "jdbc:postgresql://127.0.0.1:5432/bench");
        String user = System.getProperty("bench.user", "postgres");
        BenchApps.resetDatabase(jdbc, user);
        Path work = Files.createTempDirectory("bench-downsync");
        try (AppProcess server = BenchApps.server(work, jdbc, user)) {
            String tokenA = BenchApps.enrol(server, "bench-a");
            String tokenB = BenchApps.enrol(server, "bench-b");
            try (AppProcess a = BenchApps.laptop(work.resolve("a"), "bench-a", server.baseUrl(), tokenA)) {
                BenchApps.enterHouseholds(a.baseUrl(), "DS-", n);
                while (BenchApps.get(a.baseUrl() + "/api/v1/status", null)
                                .path("pending")
                                .asLong()
                        > 0) {
                    BenchApps.send(a.baseUrl() + "/api/v1/push?wait=true", null, "");
                }
            }
            while (BenchApps.get(server.baseUrl() + "/api/v1/status", "bench-admin")
                            .path("counts")
                            .path("APPLIED")
                            .asLong()
                    < n) {
                Thread.sleep(200);
            }
            try (LinkRelay relay = new LinkRelay(URI.create(server.baseUrl()));
                    AppProcess b = BenchApps.laptop(work.resolve("b"), "bench-b", relay.url(), tokenB)) {
                long idleRssKb = BenchApps.procStatusKb(b.pid(), "VmRSS");
                long started = System.nanoTime();
                JsonNode report = BenchApps.send(b.baseUrl() + "/api/v1/downsync?wait=true", null, "");
                double seconds = (System.nanoTime() - started) / 1e9;
                long applied = report.path("applied").asLong();
                if (applied != n || !"DONE".equals(report.path("outcome").asText())) {
                    throw new IllegalStateException("down-sync did not receive everything: " + report);
                }
                long peakRssKb = BenchApps.procStatusKb(b.pid(), "VmHWM");
                System.out.println("down-sync report: " + report);
                System.out.println();
                System.out.println("Initial down-sync: a new laptop (" + LAPTOP_FLAGS + ") receives the records of its "
                        + "site from a server on PostgreSQL (pages of 500, sealed to the laptop's key), applied "
                        + "without capture");
                System.out.println("| records | seconds | records/s | bytes/record down | bytes/record up | laptop RSS "
                        + "idle → peak |");
                System.out.println("|---:|---:|---:|---:|---:|---:|");
                System.out.printf(
                        Locale.ROOT,
                        "| %d | %.1f | **%.0f** | %.0f | %.1f | %d → %d MB |%n",
                        n,
                        seconds,
                        n / seconds,
                        relay.down() / (double) n,
                        relay.up() / (double) n,
                        idleRssKb / 1024,
                        peakRssKb / 1024);
            }
        }
    }
}
