package io.collectoffline.e2e;

import io.collectoffline.testing.AppProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL instance of the test's own (initdb into a temporary folder, a free port), so that a test can stop
 * the database under a running server without touching the machine's shared PostgreSQL. Uses the binaries of the
 * installed PostgreSQL (Debian: /usr/lib/postgresql/N/bin); as root, runs them as the {@code postgres} user.
 */
final class PrivatePostgres implements AutoCloseable {

    private final Path bin;
    private final Path root;
    private final int port;
    private final boolean asPostgresUser;

    private PrivatePostgres(Path bin, Path root, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.root = root;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    static PrivatePostgres start() throws Exception {
        Path bin = binaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path folder = Files.createTempDirectory("e2e-postgres");
        if (root) {
            UserPrincipal postgres =
                    folder.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(folder, postgres);
        }
        PrivatePostgres pg = new PrivatePostgres(bin, folder, AppProcess.freePort(), root);
        pg.run("initdb", "-D", folder.resolve("data").toString(), "-A", "trust", "-U", "postgres", "--no-sync");
        pg.restart();
        return pg;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** Starts (again) on the same port and data folder; waits until it accepts connections. */
    void restart() throws Exception {
        run(
                "pg_ctl",
                "-D",
                root.resolve("data").toString(),
                "-l",
                root.resolve("log").toString(),
                "-w",
                "-o",
                "-p " + port + " -k " + root + " -c listen_addresses=127.0.0.1",
                "start");
    }

    /** Stops at once, like a crash: no checkpoint, clients cut off. */
    void stopImmediately() throws Exception {
        run("pg_ctl", "-D", root.resolve("data").toString(), "-m", "immediate", "-w", "stop");
    }

    @Override
    public void close() throws Exception {
        try {
            run("pg_ctl", "-D", root.resolve("data").toString(), "-m", "fast", "-w", "stop");
        } catch (IllegalStateException alreadyStopped) {
            // stopped by the test
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private void run(String tool, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        if (asPostgresUser) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(tool).toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
        }
    }

    private static Path binaries() throws IOException {
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Path newest = versions.filter(
                                v -> Files.isExecutable(v.resolve("bin").resolve("initdb")))
                        .max(Comparator.comparing(
                                v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))))
                        .orElse(null);
                if (newest != null) {
                    return newest.resolve("bin");
                }
            }
        }
        throw new IllegalStateException("PostgreSQL's initdb and pg_ctl were not found under " + debian
                + " (Debian package postgresql); this test runs its own PostgreSQL instance with them");
    }
}
