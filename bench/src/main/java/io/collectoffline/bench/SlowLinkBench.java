package io.collectoffline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.collectoffline.testing.AppProcess;
import io.collectoffline.testing.LinkRelay;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 18 item 5: the time to push {@code bench.slow.n} changes (default 10,000 households) over a slow field link,
 * at 32 and at 256 kbit/s ({@code bench.slow.kbits}), emulated by a relay that carries that many bits per second each
 * way (payload bytes; TCP/IP headers not counted). The laptop keeps its shipped settings (60 s request timeout, 500
 * per batch): a batch the link cannot carry in time is halved, and the laptop remembers the size the link took.
 * Pushes are asked for on demand, one after another, as the schedule would retry them, until nothing is pending.
 */
public final class SlowLinkBench {

    private SlowLinkBench() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("bench.slow.n", 10_000);
        String jdbc = System.getProperty("bench.jdbc", "jdbc:postgresql://127.0.0.1:5432/bench");
        String user = System.getProperty("bench.user", "postgres");
        List<String> rows = new ArrayList<>();
        for (String kbits : System.getProperty("bench.slow.kbits", "256,32").split(",")) {
            rows.add(run(n, Integer.parseInt(kbits.trim()), jdbc, user));
            System.out.println(rows.get(rows.size() - 1));
        }
        System.out.println();
        System.out.println("Slow links: " + n + " households pushed through a link of the given rate each way");
        System.out.println("| link | changes | seconds | changes/s | bytes/change up | bytes/change down | pushes | "
                + "batch size at the end |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
    }

    private static String run(int n, int kbits, String jdbc, String user) throws Exception {
        BenchApps.resetDatabase(jdbc, user);
        Path work = Files.createTempDirectory("bench-slow");
        try (AppProcess server = BenchApps.server(work, jdbc, user);
                LinkRelay link = new LinkRelay(URI.create(server.baseUrl()), kbits * 1000L / 8)) {
            String token = BenchApps.enrol(server, "bench-laptop");
            try (AppProcess laptop = BenchApps.laptop(work.resolve("laptop"), "bench-laptop", link.url(), token)) {
                BenchApps.enterHouseholds(laptop.baseUrl(), "SLOW-", n);
                long up = link.up();
                long down = link.down();
                long started = System.nanoTime();
                int pushes = 0;
                while (BenchApps.get(laptop.baseUrl() + "/api/v1/status", null)
                                .path("pending")
                                .asLong()
                        > 0) {
                    JsonNode report = BenchApps.send(laptop.baseUrl() + "/api/v1/push?wait=true", null, "");
                    pushes++;
                    System.out.println(
                            "push " + pushes + ": " + report.path("outcome").asText() + ", "
                                    + report.path("accepted").asInt() + " accepted; "
                                    + report.path("error").asText(""));
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                long applied;
                do {
                    Thread.sleep(200);
                    applied = BenchApps.get(server.baseUrl() + "/api/v1/status", BenchApps.ADMIN)
                            .path("counts")
                            .path("APPLIED")
                            .asLong();
                } while (applied < n);
                int batchSize = BenchApps.get(laptop.baseUrl() + "/api/v1/status", null)
                        .path("push")
                        .path("batchSize")
                        .asInt();
                return String.format(
                        Locale.ROOT,
                        "| %d kbit/s | %d | %.0f | %.1f | %.0f | %.0f | %d | %d |",
                        kbits,
                        n,
                        seconds,
                        n / seconds,
                        (link.up() - up) / (double) n,
                        (link.down() - down) / (double) n,
                        pushes,
                        batchSize);
            }
        }
    }
}
