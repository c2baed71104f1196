package io.collectoffline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.collectoffline.testing.AppProcess;
import io.collectoffline.testing.LinkRelay;
import io.collectoffline.testing.ServerAdmin;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Site server to central server by REST, with the packaged apps: N households entered on a field laptop and pushed
 * to a site server on PostgreSQL (not timed; 10,000 of them pushed and forwarded first, so that the servers are
 * warm), then one forwarding pass of the site ({@code POST /api/v1/forward}) to a central server on another
 * PostgreSQL database, timed until the central server has applied them all. One row per one-way delay of the link
 * between the two (a relay in this process: {@code bench.forward.delayMs}, default {@code 0,100} — a loopback and a
 * 200 ms round trip) and value of {@code sync.server.upstream.in-flight} (batches travelling to the central server at
 * once), each on fresh databases, so that the rows compare in one run. Prints the forwarding pass's time, the time
 * until all are applied on the central server, and the CPU seconds per 1000 changes of the site, the central server
 * and PostgreSQL (both databases are on the one PostgreSQL of this machine). Fails loudly if a count does not match.
 *
 * <p>System properties: {@code bench.forward.n} (default 50,000), {@code bench.forward.inFlight} (default
 * {@code 1,2}), {@code bench.forward.delayMs}, {@code bench.jdbc}, {@code bench.jdbcCentral}, {@code bench.user}.
 */
public final class ForwardBench {

    /** Households forwarded first, not timed, so that each row times warm servers. */
    private static final int WARM = 10_000;

    private ForwardBench() {}

    private record Row(
            long delayMillis,
            int inFlight,
            int count,
            double forwardSeconds,
            double appliedSeconds,
            double siteCpu,
            double centralCpu,
            double postgresCpu,
            String report) {}

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("bench.forward.n", 50_000);
        String site = System.getProperty("bench.jdbc", "jdbc:postgresql://127.0.0.1:5432/bench");
        String central = System.getProperty("bench.jdbcCentral", "jdbc:postgresql://127.0.0.1:5432/bench_large");
        String user = System.getProperty("bench.user", "postgres");
        List<Row> rows = new ArrayList<>();
        for (String delay : System.getProperty("bench.forward.delayMs", "0,100").split(",")) {
            for (String inFlight :
                    System.getProperty("bench.forward.inFlight", "1,2").split(",")) {
                rows.add(run(
                        Duration.ofMillis(Long.parseLong(delay.strip())),
                        Integer.parseInt(inFlight.strip()),
                        n,
                        site,
                        central,
                        user));
            }
        }
        System.out.println();
        System.out.println("Site to central by REST: households entered on a laptop and pushed to the site (not "
                + "timed; 10k forwarded first, not timed), then one forwarding pass of the site, timed until the "
                + "central server applied them all; batches of 500; CPU seconds per 1000 changes");
        System.out.println("| link delay each way | in flight | changes | forwarding pass s "
                + "| until applied on central s | **tx/s** | site CPU s/1000 | central CPU s/1000 "
                + "| PostgreSQL CPU s/1000 |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            System.out.printf(
                    Locale.ROOT,
                    "| %d ms | %d | %d | %.1f | %.1f | **%.0f** | %.2f | %.2f | %.2f |%n",
                    r.delayMillis(),
                    r.inFlight(),
                    r.count(),
                    r.forwardSeconds(),
                    r.appliedSeconds(),
                    r.count() / r.appliedSeconds(),
                    r.siteCpu(),
                    r.centralCpu(),
                    r.postgresCpu());
        }
        for (Row r : rows) {
            System.out.println("delay " + r.delayMillis() + " ms, in flight " + r.inFlight() + ", the site's report: "
                    + r.report());
        }
    }

    private static Row run(Duration delay, int inFlight, int count, String siteJdbc, String centralJdbc, String user)
            throws Exception {
        BenchApps.resetDatabase(siteJdbc, user);
        BenchApps.resetDatabase(centralJdbc, user);
        Path work = Files.createTempDirectory("bench-forward");
        try (AppProcess central = BenchApps.server(
                        work.resolve("central"), centralJdbc, user, "512m", "-Dsync.server.node-id=central");
                LinkRelay link = new LinkRelay(URI.create(central.baseUrl()), delay)) {
            String siteToken = BenchApps.enrol(central, "bench-site", "server");
            // the site opens what its laptops seal with the key the central server opens it with
            ServerAdmin.copyStudyKeys(central.workDir(), work.resolve("site").resolve("server"));
            try (AppProcess site = BenchApps.server(
                    work.resolve("site"),
                    siteJdbc,
                    user,
                    "512m",
                    "-Dsync.server.node-id=bench-site",
                    "-Dsync.server.upstream.url=" + link.url(),
                    "-Dsync.server.upstream.token=" + siteToken,
                    "-Dsync.server.upstream.interval=off",
                    "-Dsync.server.upstream.in-flight=" + inFlight)) {
                String laptopToken = BenchApps.enrol(site, "bench-laptop", "field");
                int warm = Math.min(count, WARM);
                try (AppProcess laptop =
                        BenchApps.laptop(work.resolve("laptop"), "bench-laptop", site.baseUrl(), laptopToken)) {
                    // first a pass of `warm` households, not timed: a server runs for weeks, and a cold one
                    // spends its first thousands of changes compiling
                    BenchApps.enterHouseholds(laptop.baseUrl(), "FWD-WARM-", warm);
                    push(laptop, warm);
                    BenchApps.awaitApplied(site, warm);
                    JsonNode warmUp = BenchApps.send(site.baseUrl() + "/api/v1/forward", BenchApps.ADMIN, "");
                    BenchApps.check(warmUp.path("delivered").asLong() == warm, "forwarded: " + warmUp);
                    BenchApps.awaitApplied(central, warm);
                    BenchApps.enterHouseholds(laptop.baseUrl(), "FWD-", count);
                    push(laptop, count);
                }
                BenchApps.awaitApplied(site, warm + count);

                long siteTicks = EndToEndBench.cpuTicks(site.pid());
                long centralTicks = EndToEndBench.cpuTicks(central.pid());
                long postgresTicks = EndToEndBench.postgresTicks();
                long started = System.nanoTime();
                JsonNode report = BenchApps.send(site.baseUrl() + "/api/v1/forward", BenchApps.ADMIN, "");
                double forwardSeconds = (System.nanoTime() - started) / 1e9;
                BenchApps.check(report.path("delivered").asLong() == count, "forwarded: " + report);
                BenchApps.awaitApplied(central, warm + count);
                double appliedSeconds = (System.nanoTime() - started) / 1e9;
                double perThousand = count / 1000.0;
                return new Row(
                        delay.toMillis(),
                        inFlight,
                        count,
                        forwardSeconds,
                        appliedSeconds,
                        (EndToEndBench.cpuTicks(site.pid()) - siteTicks) / EndToEndBench.TICKS / perThousand,
                        (EndToEndBench.cpuTicks(central.pid()) - centralTicks) / EndToEndBench.TICKS / perThousand,
                        (EndToEndBench.postgresTicks() - postgresTicks) / EndToEndBench.TICKS / perThousand,
                        report.toString());
            }
        }
    }

    private static void push(AppProcess laptop, int count) throws Exception {
        JsonNode pushed = BenchApps.send(laptop.baseUrl() + "/api/v1/push?wait=true", null, "");
        BenchApps.check(pushed.path("accepted").asLong() == count, "pushed to the site: " + pushed);
    }
}
