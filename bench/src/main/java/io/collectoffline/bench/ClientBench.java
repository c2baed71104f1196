package io.collectoffline.bench;

import io.collectoffline.codec.KeyRing;
import io.collectoffline.codec.ServerPublicKey;
import io.collectoffline.testing.AppProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The laptop app's figures: start-to-ready time and idle RSS of the packaged jar (JVM mode), and the cost of change
 * capture — households saved through the data entry API with capture on against the same with capture off, each on
 * a fresh database. Prints a table.
 *
 * <p>System properties: {@code bench.saves} (2000), {@code bench.starts} (3).
 */
public final class ClientBench {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ClientBench() {
    }

    public static void main(String[] args) throws Exception {
        int saves = Integer.getInteger("bench.saves", 2000);
        int starts = Integer.getInteger("bench.starts", 3);
        Path jar = Path.of(System.getProperty("bench.clientJar", "../sync-client/target/quarkus-app/quarkus-run.jar"));
        Path work = Files.createTempDirectory("bench-client");
        ServerPublicKey key = KeyRing.generate(work.resolve("keys"));
        Path keyFile = work.resolve("server-key.json");
        Files.writeString(keyFile, key.toJson());

        List<Long> readyMillis = new ArrayList<>();
        long rssKb = 0;
        for (int i = 0; i < starts; i++) {
            Path dir = work.resolve("start-" + i);
            long started = System.nanoTime();
            try (AppProcess app = AppProcess.start(jar, AppProcess.freePort(), dir,
                    "-Dsync.client.payload.public-key-file=" + keyFile, "-Dquarkus.log.level=WARN").awaitReady()) {
                readyMillis.add((System.nanoTime() - started) / 1_000_000);
                Thread.sleep(3000);
                rssKb = Math.max(rssKb, rssKb(app.pid()));
            }
        }
        Collections.sort(readyMillis);

        double on = savesPerSecond(jar, work.resolve("capture-on"), keyFile, true, saves);
        double off = savesPerSecond(jar, work.resolve("capture-off"), keyFile, false, saves);

        System.out.println();
        System.out.printf(Locale.ROOT, "Laptop app (JVM mode, packaged jar), %d starts, %d saves each way%n", starts,
                saves);
        System.out.println("| measure | value | goal |");
        System.out.println("|---|---:|---:|");
        System.out.printf(Locale.ROOT, "| start to ready (median of %d, includes JVM start) | %d ms | ≤ 1500 ms |%n",
                starts, readyMillis.get(readyMillis.size() / 2));
        System.out.printf(Locale.ROOT, "| idle RSS after start (max) | %d MB | ≤ 150 MB |%n", rssKb / 1024);
        System.out.printf(Locale.ROOT, "| saves/s through the API, capture on (sealed) | %.0f | |%n", on);
        System.out.printf(Locale.ROOT, "| saves/s through the API, capture off | %.0f | |%n", off);
        System.out.printf(Locale.ROOT, "| capture overhead (time per save, on / off) | %.2f× | ≤ 1.5× |%n", off / on);
    }

    private static double savesPerSecond(Path jar, Path dir, Path keyFile, boolean capture, int saves)
            throws Exception {
        try (AppProcess app = AppProcess.start(jar, AppProcess.freePort(), dir,
                "-Dsync.client.payload.public-key-file=" + keyFile, "-Dsync.client.capture.enabled=" + capture,
                "-Dquarkus.log.level=WARN").awaitReady()) {
            for (int i = 0; i < 300; i++) {
                save(app, "WARM-" + i);
            }
            long started = System.nanoTime();
            for (int i = 0; i < saves; i++) {
                save(app, "HH-" + i);
            }
            return saves / ((System.nanoTime() - started) / 1e9);
        }
    }

    private static void save(AppProcess app, String identifier) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(app.baseUrl()
                + "/api/v1/records/study.household")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"householdIdentifier\":\"" + identifier
                        + "\",\"village\":\"Oodi\"}")).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("save failed: " + response.statusCode() + " " + response.body());
        }
    }

    private static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
