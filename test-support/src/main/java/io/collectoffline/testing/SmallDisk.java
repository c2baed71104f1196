package io.collectoffline.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A disk of a few MB of an app's own, to fill up: a tmpfs mounted at {@code mountPoint} in a mount namespace of the
 * app's process alone (a user namespace lets a test do that without root), {@code ballastMb} of it taken by a file
 * the test deletes to free space. {@code prepare} runs in that namespace after the mount, before the app starts
 * (e.g. copying a database made beforehand onto the small disk). The disk goes when the app's process ends.
 */
public record SmallDisk(Path mountPoint, int sizeMb, int ballastMb, String prepare) {

    /** Whether this machine lets a test make a mount namespace ({@code unshare --user --mount}). */
    public static boolean possible() throws IOException, InterruptedException {
        return new ProcessBuilder(List.of("unshare", "--user", "--map-root-user", "--mount", "true"))
                        .start()
                        .waitFor()
                == 0;
    }

    /** Starts this module's packaged app on a free port with this small disk mounted (see {@link #launcher}). */
    public AppProcess start(Path workDir, String... properties) throws IOException {
        return AppProcess.start(
                launcher(),
                Path.of(System.getProperty("java.home")),
                Path.of("target", "quarkus-app", "quarkus-run.jar"),
                AppProcess.freePort(),
                workDir,
                properties);
    }

    /** The launcher to give {@link AppProcess#start(List, Path, Path, int, Path, String...)}. */
    public List<String> launcher() throws IOException {
        Files.createDirectories(mountPoint);
        String at = "'" + mountPoint.toAbsolutePath() + "'";
        return List.of(
                "unshare",
                "--user",
                "--map-root-user",
                "--mount",
                "sh",
                "-c",
                "mount -t tmpfs -o size=" + sizeMb + "m tmpfs " + at + " && head -c " + ballastMb * 1024 * 1024
                        + " /dev/zero > " + at + "/ballast" + (prepare.isBlank() ? "" : " && " + prepare)
                        + " && exec \"$@\"",
                "sh");
    }

    /** Deletes the ballast file on the small disk of {@code app}, seen through its process's root. */
    public void freeBallast(AppProcess app) throws IOException {
        Files.delete(Path.of(
                "/proc",
                String.valueOf(app.pid()),
                "root",
                mountPoint.toAbsolutePath().toString(),
                "ballast"));
    }
}
