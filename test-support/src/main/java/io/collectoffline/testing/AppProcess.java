package io.collectoffline.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** A packaged Quarkus app started as a real process, the way a user starts it. */
public final class AppProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int port;
    private final Path workDir;

    private AppProcess(Process process, Path log, int port, Path workDir) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.workDir = workDir;
    }

    /**
     * JVM options of every app a test starts, from the system property {@code app.jvmOptions} (space-separated; the
     * test suites set the laptop unit's {@code -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}: faster starts, the shipped
     * way); none when it is not set (the benchmarks, which give each app its own).
     */
    private static final List<String> JVM_OPTIONS = Arrays.stream(
                    System.getProperty("app.jvmOptions", "").trim().split("\\s+"))
            .filter(o -> !o.isEmpty())
            .toList();

    /** Starts this module's {@code target/quarkus-app/quarkus-run.jar} on a free port. */
    public static AppProcess start(Path workDir, String... properties) throws IOException {
        return start(Path.of("target", "quarkus-app", "quarkus-run.jar"), freePort(), workDir, properties);
    }

    /** Starts {@code jar} on {@code port} in {@code workDir} with the given system properties. */
    public static AppProcess start(Path jar, int port, Path workDir, String... properties) throws IOException {
        return start(Path.of(System.getProperty("java.home")), jar, port, workDir, properties);
    }

    /** Starts {@code jar} with the {@code java} of another JDK ({@code javaHome}), e.g. to use its AOT cache. */
    public static AppProcess start(Path javaHome, Path jar, int port, Path workDir, String... properties)
            throws IOException {
        return start(List.of(), javaHome, jar, port, workDir, properties);
    }

    /**
     * Starts {@code jar} through {@code launcher}, a command that runs the {@code java} command line given after it
     * (e.g. {@code unshare … sh -c '…; exec "$@"' sh}: the app in namespaces of its own); the app keeps the launcher's
     * process id when the launcher execs it.
     */
    public static AppProcess start(
            List<String> launcher, Path javaHome, Path jar, int port, Path workDir, String... properties)
            throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.add(javaHome.resolve("bin").resolve("java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-Dquarkus.http.port=" + port);
        command.addAll(List.of(properties));
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        Files.createDirectories(workDir);
        Path log = Files.createTempFile(workDir, "app-", ".log");
        Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new AppProcess(process, log, port, workDir);
    }

    /** Whether the app's process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The operating system's id of the app's process. */
    public long pid() {
        return process.pid();
    }

    /** The folder the app runs in (its relative paths, such as {@code ./data/…}, are under it). */
    public Path workDir() {
        return workDir;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * Waits until the app answers its readiness check; fails with the app's output if it dies first. An app that
     * never gets ready is stopped before the failure is thrown: the caller never got it to close.
     */
    public AppProcess awaitReady() {
        return awaitReady(Duration.ofMillis(200));
    }

    /**
     * Waits until the app answers ready, asking every {@code poll} from the start: a benchmark that times the start
     * asks often, so that the figure is not rounded up to the next 200 ms.
     */
    public AppProcess awaitReady(Duration poll) {
        try {
            await().atMost(Duration.ofSeconds(60))
                    .pollDelay(Duration.ZERO)
                    .pollInterval(poll)
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("app exited with " + process.exitValue() + ":\n" + output());
                        }
                        return get("/q/health/ready") == 200;
                    });
        } catch (RuntimeException | AssertionError e) {
            process.destroyForcibly();
            throw e;
        }
        return this;
    }

    /** Waits for the app to stop on its own and returns its exit code. */
    public int awaitExit() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("app did not exit:\n" + output());
        }
        return process.exitValue();
    }

    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** kill -9: no shutdown hook runs, as when a laptop's battery dies. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }

    private int get(String path) {
        try {
            HttpURLConnection connection =
                    (HttpURLConnection) URI.create(baseUrl() + path).toURL().openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(2000);
            return connection.getResponseCode();
        } catch (IOException e) {
            return -1;
        }
    }

    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    /**
     * A port nothing listens on right now, taken below the kernel's range for the local ports of outgoing
     * connections: a port from that range (what {@code new ServerSocket(0)} gives) can be taken by any connection
     * some process opens in the seconds before the app binds it, and the app then fails to start ("port in use").
     * Never the same port twice in one test run.
     */
    public static int freePort() throws IOException {
        int high = ephemeralLow() - 1;
        int low = Math.max(1024, high - 12_000);
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = random.nextInt(low, high + 1);
            if (!GIVEN.add(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(port));
                return port;
            } catch (IOException inUse) {
                // another one
            }
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The lowest local port the kernel gives outgoing connections (Linux; 32768 elsewhere). */
    private static int ephemeralLow() {
        try {
            // read by line: procfs reports a size of 0, and Files.readString then reads a single byte
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .get(0)
                    .trim();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return low > 2048 ? low : 32768;
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }
}
