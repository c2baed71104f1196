package io.collectoffline.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The laptop app of an earlier release, built from this repository's history: the laptops still in the field when
 * the server is upgraded. Built once per checkout into {@code target/previous-release/<commit>} (about 40 s); the
 * build needs {@code git} and the history of main (a clone, not an export).
 */
final class PreviousRelease {

    /**
     * The last commit before {@code study.vital_signs} went to schema version 2 (report date and time, heart rate,
     * comment): its laptop knows vital signs of version 1 only.
     */
    static final String VITAL_SIGNS_V1 = "7f6933dfdd410c64dc65c00fa3d25b18a8daeab3";

    private PreviousRelease() {}

    /** The packaged laptop app ({@code quarkus-run.jar}) of {@code commit}, built if it is not there yet. */
    static synchronized Path laptopJar(String commit) throws IOException, InterruptedException {
        Path tree = Path.of("target", "previous-release", commit).toAbsolutePath();
        Path jar = tree.resolve("sync-client")
                .resolve("target")
                .resolve("quarkus-app")
                .resolve("quarkus-run.jar");
        if (Files.exists(jar)) {
            return jar;
        }
        Files.createDirectories(tree);
        Path log = tree.getParent().resolve(commit + ".log");
        Path repository = Path.of("..").toAbsolutePath().normalize();
        // a shallow clone lacks the commit: fetch it from where the clone came from
        run(repository, log, "sh", "-c", "git cat-file -e " + commit + "^{commit} || git fetch -q origin " + commit);
        run(repository, log, "bash", "-c", "set -o pipefail; git archive " + commit + " | tar -x -C '" + tree + "'");
        List<String> mvn =
                new ArrayList<>(List.of(maven(), "-B", "-q", "package", "-pl", "sync-client", "-am", "-DskipTests"));
        String local = System.getProperty("maven.repo.local", "");
        if (!local.isBlank()) {
            mvn.add("-Dmaven.repo.local=" + local);
        }
        run(tree, log, mvn.toArray(String[]::new));
        if (!Files.exists(jar)) {
            throw new IllegalStateException("the build of " + commit + " made no " + jar + "; see " + log);
        }
        return jar;
    }

    private static String maven() {
        String home = System.getProperty("maven.home", "");
        Path inHome = Path.of(home, "bin", "mvn");
        return !home.isBlank() && Files.isExecutable(inHome) ? inHome.toString() : "mvn";
    }

    private static void run(Path directory, Path log, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " took over 10 minutes; see " + log);
        }
        if (process.exitValue() != 0) {
            List<String> lines = Files.readAllLines(log);
            throw new IllegalStateException(String.join(" ", command) + " failed (" + process.exitValue() + "): "
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
        }
    }
}
