package io.collectoffline.codestyle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The layout rules of STYLE.md, checked in the build over every module's Java sources: imports in one order
 * (static ones first, then the rest, each group sorted, none twice), lines of at most 120 characters, no tabs, and
 * a package-info.java in every main package.
 */
class SourceFormatTest {

    private static final int MAX_LINE = 120;

    @Test
    void everySourceFileKeepsTheLayoutRules() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : javaSources()) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            List<String> imports =
                    lines.stream().filter(line -> line.startsWith("import ")).toList();
            List<String> statics = imports.stream()
                    .filter(line -> line.startsWith("import static "))
                    .toList();
            List<String> others = imports.stream()
                    .filter(line -> !line.startsWith("import static "))
                    .toList();
            // sorted by the imported name, as the formatter sorts them ("a.B" before "a.B.C")
            Comparator<String> byName = Comparator.comparing(line -> line.replace(";", ""));
            List<String> expected =
                    new ArrayList<>(statics.stream().sorted(byName).distinct().toList());
            expected.addAll(others.stream().sorted(byName).distinct().toList());
            if (!imports.equals(expected)) {
                problems.add(root().relativize(file) + ": imports not in order (static first, then sorted)");
            }
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).length() > MAX_LINE) {
                    problems.add(root().relativize(file) + ":" + (i + 1) + ": longer than " + MAX_LINE);
                }
                if (lines.get(i).indexOf('\t') >= 0) {
                    problems.add(root().relativize(file) + ":" + (i + 1) + ": a tab");
                }
            }
            if (file.toString().contains("/src/main/java/")
                    && !Files.exists(file.resolveSibling("package-info.java"))) {
                problems.add(root().relativize(file.getParent()) + ": no package-info.java");
            }
        }
        assertThat(problems).as("layout problems").isEmpty();
    }

    private static Path root() {
        return Path.of("..").toAbsolutePath().normalize();
    }

    private static List<Path> javaSources() throws IOException {
        List<Path> sources = new ArrayList<>();
        Files.walkFileTree(root(), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                return name.equals("target")
                                || name.equals("node_modules")
                                || name.startsWith(".") && !dir.equals(root())
                        ? FileVisitResult.SKIP_SUBTREE
                        : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                String path = file.toString();
                if (path.endsWith(".java") && (path.contains("/src/main/java/") || path.contains("/src/test/java/"))) {
                    sources.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        sources.sort(null);
        return sources;
    }
}
