package io.collectoffline.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.collectoffline.testing.AppProcess;
import io.collectoffline.testing.LinkRelay;
import io.restassured.http.ContentType;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 item 5, a slow field link, with real processes: the laptop reaches the server only through a link of
 * 32 kbit/s (4000 bytes/s each way, emulated by a relay in this process) and pushes on its schedule. Its first batch
 * takes longer than the laptop's request timeout: the laptop resets the connection (the server stores nothing of
 * it, and the link is free at once), ends the push, halves the batch for the next one, and after the backoff first
 * asks the server by txId what it holds; the server never receives a transaction twice, everything arrives exactly
 * once, progress shows meanwhile, and later pushes start at the size the link took instead of timing out the same
 * way again.
 */
class SlowLinkEndToEndIT {

    private static final long BYTES_PER_SECOND = 32_000 / 8;

    @TempDir
    Path dir;

    @Test
    void aPushOverA32KbitLinkHalvesItsBatchesUntilTheyPassAndDeliversEverythingOnce() throws Exception {
        Nodes.resetServerDatabase();
        int port = AppProcess.freePort();
        try (AppProcess server = Nodes.server(dir, port);
                LinkRelay link = new LinkRelay(URI.create(server.baseUrl()), BYTES_PER_SECOND)) {
            String token = Nodes.enrolLaptop(server);
            try (AppProcess laptop = Nodes.client(
                            dir,
                            port,
                            token,
                            "-Dsync.client.server.url=" + link.url(),
                            "-Dsync.client.server.request-timeout=4s",
                            "-Dsync.client.push.interval=1s")
                    .awaitReady()) {
                enter(laptop, 0, 60);
                long before = link.up();

                AtomicInteger sawProgress = new AtomicInteger();
                Thread watcher = watchProgress(laptop, sawProgress);
                awaitNothingPending(laptop);
                watcher.interrupt();
                long firstBytes = link.up() - before;
                laptop.output()
                        .lines()
                        .filter(line -> line.contains("Server could not take") || line.contains("Push to"))
                        .forEach(System.out::println);

                await().atMost(Duration.ofSeconds(30))
                        .until(() -> Nodes.serverCount("SELECT COUNT(*) FROM household") == 60);
                assertStoredOnce(60);
                assertThat(laptop.output()).contains("Server could not take a batch of 60");
                assertThat(sawProgress.get()).as("progress seen while pushing").isPositive();
                // a timed-out batch is reset, not left to arrive whole after the laptop gave it up: the server never
                // receives a transaction twice
                assertThat(laptop.output().lines().filter(line -> line.contains("Push to")))
                        .isNotEmpty()
                        .allMatch(line -> line.contains(" 0 duplicate"));
                int batchSize = given().baseUri(laptop.baseUrl())
                        .get("/api/v1/status")
                        .then()
                        .extract()
                        .path("push.batchSize");
                assertThat(batchSize).isLessThan(60);

                // the next push starts at the size the link took, not at the configured 500 or at 120
                int lines = shrinks(laptop.output()).size();
                enter(laptop, 60, 2 * batchSize);
                awaitNothingPending(laptop);
                List<Integer> later = shrinks(laptop.output())
                        .subList(lines, shrinks(laptop.output()).size());
                assertThat(later).as("batches refused on the second push").allMatch(size -> size <= batchSize);
                assertStoredOnce(60 + 2 * batchSize);
                System.out.printf(
                        Locale.ROOT,
                        "32 kbit/s: 60 households took %d bytes up (%d per change); the link then took %d at a time; "
                                + "second push refused sizes %s%n",
                        firstBytes,
                        firstBytes / 60,
                        batchSize,
                        later);
            }
        }
    }

    /** Waits for the push schedule (every second, with its backoff after failures) to deliver everything. */
    private static void awaitNothingPending(AppProcess laptop) {
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> given().baseUri(laptop.baseUrl())
                                .get("/api/v1/status")
                                .then()
                                .extract()
                                .<Integer>path("pending")
                        == 0);
    }

    /** Every transaction of the laptop stored once and applied, none refused. */
    private static void assertStoredOnce(long transactions) throws Exception {
        assertThat(Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction WHERE producer = 'field-e2e'"))
                .isEqualTo(transactions);
        assertThat(Nodes.serverCount(
                        "SELECT COUNT(DISTINCT seq) FROM incoming_transaction WHERE producer = 'field-e2e'"))
                .isEqualTo(transactions);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction WHERE status = 'APPLIED'")
                        == transactions);
        assertThat(Nodes.serverCount("SELECT COUNT(*) FROM household")).isEqualTo(transactions);
        assertThat(Nodes.serverCount("SELECT COUNT(*) FROM rejected_transaction"))
                .isZero();
    }

    /** The batch sizes the laptop's log says the server could not take, in order. */
    private static List<Integer> shrinks(String log) {
        List<Integer> sizes = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Server could not take a batch of (\\d+)")
                .matcher(log);
        while (m.find()) {
            sizes.add(Integer.parseInt(m.group(1)));
        }
        return sizes;
    }

    private static void enter(AppProcess laptop, int first, int count) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            rows.add(Map.of("householdIdentifier", "HH-SLOW-" + i, "village", "Oodi"));
        }
        given().baseUri(laptop.baseUrl())
                .contentType(ContentType.JSON)
                .body(rows)
                .post("/api/v1/records/study.household/bulk")
                .then()
                .statusCode(200);
    }

    /** Polls the laptop's status while a push runs; counts the answers that showed a batch being sent. */
    private static Thread watchProgress(AppProcess laptop, AtomicInteger seen) {
        Thread watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Integer batch = given().baseUri(laptop.baseUrl())
                            .get("/api/v1/status")
                            .then()
                            .extract()
                            .path("push.batch");
                    if (batch != null) {
                        seen.incrementAndGet();
                    }
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // the laptop is busy; try again
                }
            }
        });
        watcher.setDaemon(true);
        watcher.start();
        return watcher;
    }
}
