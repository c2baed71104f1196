package io.collectoffline.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The sync state tables have one keeper (README architecture, ADR 13): only the store package writes
 * {@code incoming_transaction}, {@code producer_state} and {@code apply_cursor}, and no server code commits or rolls
 * back by hand — every writing unit of work runs in a Quarkus transaction.
 */
class OneOwnerPerTableTest {

    private static final Path MAIN = Path.of("src/main/java/io/collectoffline/server");
    private static final Pattern WRITE = Pattern.compile(
            "(INSERT\\s+INTO|UPDATE|DELETE\\s+FROM|MERGE\\s+INTO)\\s+"
                    + "(incoming_transaction|producer_state|apply_cursor)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern MANUAL_TRANSACTION =
            Pattern.compile("\\.setAutoCommit\\(false\\)|\\.commit\\(\\)|\\.rollback\\(");

    @Test
    void onlyTheStoreWritesTheSyncStateTables() throws IOException {
        List<String> writers = new ArrayList<>();
        for (Path file : sources()) {
            Matcher m = WRITE.matcher(joined(file));
            while (m.find()) {
                if (!file.startsWith(MAIN.resolve("store"))) {
                    writers.add(MAIN.relativize(file) + ": " + m.group());
                }
            }
        }
        assertThat(writers)
                .as("writes of the sync state tables outside the store")
                .isEmpty();
    }

    @Test
    void noServerCodeCommitsOrRollsBackByHand() throws IOException {
        List<String> manual = new ArrayList<>();
        for (Path file : sources()) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                boolean seam = file.endsWith("config/ActiveDatabase.java")
                        && lines.get(i).contains("unwrap(Connection.class).rollback(savepoint)");
                if (MANUAL_TRANSACTION.matcher(lines.get(i)).find() && !seam) {
                    manual.add(MAIN.relativize(file) + ":" + (i + 1) + ": "
                            + lines.get(i).trim());
                }
            }
        }
        assertThat(manual).as("hand-written transaction control").isEmpty();
    }

    /** The source with string concatenations across lines joined, so a statement split over lines is one text. */
    private static String joined(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).replaceAll("\"\\s*\\+\\s*\"", "");
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            List<Path> sources =
                    files.filter(f -> f.toString().endsWith(".java")).toList();
            assertThat(sources)
                    .as("server sources found from " + MAIN.toAbsolutePath())
                    .hasSizeGreaterThan(50);
            return sources;
        }
    }
}
