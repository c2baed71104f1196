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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Both apps' start-to-ready time and idle RSS (JVM mode, packaged jars), in several JVM set-ups, and the cost of
 * change capture on the laptop — households saved through the data entry API with capture on against the same with
 * capture off, each on a fresh database. Prints a table.
 *
 * <p>Set-ups: the laptop app with no JVM options; with the options the systemd unit uses ({@link #LAPTOP_FLAGS});
 * and, when a JDK 24+ is given ({@code bench.jdk25}, e.g. /usr/lib/jvm/temurin-25-jdk-amd64) and
 * {@code bench/run.sh} built the AOT layout ({@code sync-client/target/aot-app}), with a Leyden AOT cache made by a
 * training run. For comparison, the same for a minimal Quarkus app of the laptop's extensions with one entity, one
 * migration and one resource ({@code bench/minimal-laptop}, packaged by {@code bench/run.sh apps}): the difference
 * is what our code costs. The server on its embedded H2 default (quick start).
 *
 * <p>System properties: {@code bench.saves} (2000), {@code bench.starts} (3), {@code bench.jdk25},
 * {@code bench.parts=capture} (only the capture part), {@code bench.captureJvmArg} (one extra JVM option for the
 * capture-on app, e.g. {@code -XX:StartFlightRecording=filename=/tmp/capture.jfr} to profile it).
 */
public final class ClientBench {

    /** The laptop's JVM options in deploy/systemd/collect-offline-client.service. */
    static final List<String> LAPTOP_FLAGS =
            List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m", "-Xss512k");

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ClientBench() {}

    /** Median start-to-ready on a fresh database and on the database of a start before, largest idle RSS. */
    private record Startup(long readyMillis, long restartMillis, long rssKb) {}

    public static void main(String[] args) throws Exception {
        int saves = Integer.getInteger("bench.saves", 2000);
        int starts = Integer.getInteger("bench.starts", 3);
        Path jar = Path.of(System.getProperty("bench.clientJar", "../sync-client/target/quarkus-app/quarkus-run.jar"));
        Path serverJar = Path.of("../sync-server/target/quarkus-app/quarkus-run.jar");
        Path aotJar = Path.of("../sync-client/target/aot-app/quarkus-run.jar");
        Path minimalJar = Path.of("minimal-laptop/target/quarkus-app/quarkus-run.jar");
        Path minimalAotJar = Path.of("minimal-laptop/target/aot-app/quarkus-run.jar");
        String jdk25 = System.getProperty("bench.jdk25");
        Path work = Files.createTempDirectory("bench-client");
        ServerPublicKey key = KeyRing.generate(work.resolve("keys"));
        Path keyFile = work.resolve("server-key.json");
        Files.writeString(keyFile, key.toJson());
        Path javaHome = Path.of(System.getProperty("java.home"));
        String keyFlag = "-Dsync.client.payload.public-key-file=" + keyFile;

        List<String> rows = new ArrayList<>();
        if (!"capture".equals(System.getProperty("bench.parts"))) {
            startupRows(rows, javaHome, jar, serverJar, aotJar, jdk25, work, starts, keyFlag);
            minimalRows(rows, javaHome, minimalJar, minimalAotJar, jdk25, work, starts);
        }

        double on = savesPerSecond(jar, work.resolve("capture-on"), keyFile, true, saves);
        double off = savesPerSecond(jar, work.resolve("capture-off"), keyFile, false, saves);

        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Start to ready (median of %d, from the JVM's start; on a fresh database, and again on the database "
                        + "that start made) and RSS 3 s after ready (largest)%n",
                starts);
        System.out.println("| set-up | start to ready, fresh database | restart on its database | idle RSS |");
        System.out.println("|---|---:|---:|---:|");
        rows.forEach(System.out::println);
        System.out.println("Goals for the laptop app in JVM mode: ≤ 1500 ms, ≤ 150 MB.");
        System.out.println();
        System.out.printf(Locale.ROOT, "Capture overhead on the laptop app, %d saves each way%n", saves);
        System.out.println("| measure | value | goal |");
        System.out.println("|---|---:|---:|");
        System.out.printf(Locale.ROOT, "| saves/s through the API, capture on (sealed) | %.0f | |%n", on);
        System.out.printf(Locale.ROOT, "| saves/s through the API, capture off | %.0f | |%n", off);
        System.out.printf(Locale.ROOT, "| capture overhead (time per save, on / off) | %.2f× | ≤ 1.5× |%n", off / on);
    }

    private static String startupRow(String setUp, Startup startup) {
        return String.format(
                Locale.ROOT,
                "| %s | %d ms | %d ms | %d MB |",
                setUp,
                startup.readyMillis(),
                startup.restartMillis(),
                startup.rssKb() / 1024);
    }

    private static Startup startup(Path javaHome, Path jar, Path dir, int starts, String... flags) throws Exception {
        List<Long> readyMillis = new ArrayList<>();
        List<Long> restartMillis = new ArrayList<>();
        long rssKb = 0;
        for (int i = 0; i < starts; i++) {
            // the first start makes the database (a laptop's first day), the second opens it (every day after)
            for (List<Long> times : List.of(readyMillis, restartMillis)) {
                long started = System.nanoTime();
                try (AppProcess app = AppProcess.start(
                                javaHome,
                                jar,
                                AppProcess.freePort(),
                                dir.resolve("start-" + i),
                                concat(flags, "-Dquarkus.log.level=WARN"))
                        .awaitReady(Duration.ofMillis(5))) {
                    times.add((System.nanoTime() - started) / 1_000_000);
                    Thread.sleep(3000);
                    rssKb = Math.max(rssKb, EndToEndBench.rssKb(app.pid()));
                }
            }
        }
        return new Startup(median(readyMillis), median(restartMillis), rssKb);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** The laptop's AOT cache made the shipped way: {@code deploy/laptop-aot-cache.sh} with {@code jdk}. */
    private static Path shippedAotCache(Path jdk, Path aotApp, Path dir) throws Exception {
        ProcessBuilder script = new ProcessBuilder(
                        "bash",
                        Path.of("../deploy/laptop-aot-cache.sh")
                                .toAbsolutePath()
                                .toString(),
                        aotApp.toAbsolutePath().toString(),
                        dir.toAbsolutePath().toString())
                .inheritIO();
        script.environment().put("JAVA", jdk.resolve("bin").resolve("java").toString());
        script.environment().put("AOT_ENV_FILE", dir.resolve("client-aot.env").toString());
        int exit = script.start().waitFor();
        Path cache = dir.resolve("app.aot");
        if (exit != 0 || !Files.exists(cache)) {
            throw new IllegalStateException("deploy/laptop-aot-cache.sh made no cache (exit " + exit + ")");
        }
        return cache;
    }

    /** What a training run does with the app before it stops. */
    @FunctionalInterface
    private interface Use {
        void on(AppProcess app) throws Exception;
    }

    /** Leyden training run: starts the app, uses it a little, stops it; the JVM writes the AOT cache at exit. */
    private static void train(Path jdk, Path jar, Path cache, Path dir, String flag, Use use) throws Exception {
        Files.deleteIfExists(cache);
        try (AppProcess app = AppProcess.start(
                        jdk,
                        jar,
                        AppProcess.freePort(),
                        dir,
                        "-XX:AOTCacheOutput=" + cache.toAbsolutePath(),
                        "-Dsync.client.users.login=off",
                        flag)
                .awaitReady()) {
            use.on(app);
        }
        if (!Files.exists(cache)) {
            throw new IllegalStateException("the training run wrote no AOT cache at " + cache);
        }
    }

    private static String[] concat(String[] flags, String more) {
        String[] all = java.util.Arrays.copyOf(flags, flags.length + 1);
        all[flags.length] = more;
        return all;
    }

    private static void startupRows(
            List<String> rows,
            Path javaHome,
            Path jar,
            Path serverJar,
            Path aotJar,
            String jdk25,
            Path work,
            int starts,
            String keyFlag)
            throws Exception {
        Startup plain = startup(javaHome, jar, work.resolve("plain"), starts, keyFlag);
        rows.add(startupRow("laptop app, JDK " + Runtime.version().feature() + ", no JVM options", plain));
        List<String> flags = new ArrayList<>(LAPTOP_FLAGS);
        flags.add(keyFlag);
        Startup tuned = startup(javaHome, jar, work.resolve("tuned"), starts, flags.toArray(String[]::new));
        rows.add(startupRow(
                "laptop app, JDK " + Runtime.version().feature() + ", " + String.join(" ", LAPTOP_FLAGS), tuned));
        if (jdk25 != null && Files.exists(aotJar)) {
            Path cache = shippedAotCache(Path.of(jdk25), aotJar.getParent(), work.resolve("aot-cache"));
            List<String> aot = new ArrayList<>(flags);
            aot.add("-XX:AOTCache=" + cache.toAbsolutePath());
            Startup leyden = startup(Path.of(jdk25), aotJar, work.resolve("aot"), starts, aot.toArray(String[]::new));
            rows.add(startupRow(
                    "laptop app, " + Path.of(jdk25).getFileName()
                            + ", AOT cache made by deploy/laptop-aot-cache.sh (the unit's way) + the same options",
                    leyden));
        }
        Startup server = startup(javaHome, serverJar, work.resolve("server"), starts);
        rows.add(startupRow(
                "server app, JDK " + Runtime.version().feature() + ", embedded H2 default, no JVM " + "options",
                server));
    }

    private static double savesPerSecond(Path jar, Path dir, Path keyFile, boolean capture, int saves)
            throws Exception {
        try (AppProcess app = AppProcess.start(
                        jar,
                        AppProcess.freePort(),
                        dir,
                        "-Dsync.client.payload.public-key-file=" + keyFile,
                        "-Dsync.client.capture.enabled=" + capture,
                        "-Dsync.client.users.login=off",
                        "-Dquarkus.log.level=WARN",
                        capture ? System.getProperty("bench.captureJvmArg", "-Dbench=on") : "-Dbench=off")
                .awaitReady()) {
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

    /** The minimal Quarkus app of the laptop's extensions, with the laptop's options, and with an AOT cache. */
    private static void minimalRows(
            List<String> rows, Path javaHome, Path jar, Path aotJar, String jdk25, Path work, int starts)
            throws Exception {
        if (!Files.exists(jar)) {
            rows.add("| minimal Quarkus app: not built (bench/run.sh apps packages bench/minimal-laptop) | | | |");
            return;
        }
        String[] flags = LAPTOP_FLAGS.toArray(String[]::new);
        rows.add(startupRow(
                "minimal Quarkus app of the same extensions (one entity, migration, resource), JDK "
                        + Runtime.version().feature() + ", the same options",
                startup(javaHome, jar, work.resolve("minimal"), starts, flags)));
        if (jdk25 != null && Files.exists(aotJar)) {
            Path cache = aotJar.resolveSibling("app.aot");
            train(Path.of(jdk25), aotJar, cache, work.resolve("minimal-training"), "-Xmx128m", app -> {
                for (int i = 0; i < 50; i++) {
                    HTTP.send(
                            HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/v1/notes"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"note " + i + "\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                }
            });
            List<String> aot = new ArrayList<>(LAPTOP_FLAGS);
            aot.add("-XX:AOTCache=" + cache.toAbsolutePath());
            rows.add(startupRow(
                    "minimal Quarkus app, " + Path.of(jdk25).getFileName() + ", AOT cache + the same options",
                    startup(Path.of(jdk25), aotJar, work.resolve("minimal-aot"), starts, aot.toArray(String[]::new))));
        }
    }

    private static void save(AppProcess app, String identifier) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/v1/records/study.household"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"householdIdentifier\":\"" + identifier + "\",\"village\":\"Oodi\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("save failed: " + response.statusCode() + " " + response.body());
        }
    }
}
