package io.collectoffline.bench;

import io.collectoffline.testing.AppProcess;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Data out: a model's records exported by a server whose heap is far smaller than the export ({@code -Xmx48m}), so
 * the figures show the export streams from its cursor. Prints records, bytes, seconds and the server's peak RSS per
 * format, measured in one run.
 */
public final class ExportBench {

    private ExportBench() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("bench.export.n", 500_000);
        String jdbc = System.getProperty("bench.jdbc", "jdbc:postgresql://127.0.0.1:5432/bench");
        String user = System.getProperty("bench.user", "postgres");
        BenchApps.resetDatabase(jdbc, user);
        Path work = Files.createTempDirectory("bench-export");
        List<String> rows = new ArrayList<>();
        try (AppProcess server = BenchApps.server(work, jdbc, user, "48m")) {
            try (Connection c = DriverManager.getConnection(jdbc, user, "");
                    Statement s = c.createStatement()) {
                s.execute("INSERT INTO household (id, household_identifier, village, enumeration_date, version, "
                        + "user_created, user_modified) SELECT gen_random_uuid(), 'HH-' || g, 'Village ' || (g % 97) "
                        + "|| ', north', DATE '2026-01-01' + (g % 300), 0, 'ra-' || (g % 13), 'ra-' || (g % 13) "
                        + "FROM generate_series(1, " + n + ") g");
            }
            HttpClient http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1) // as curl and the CLI: no h2c upgrade of a long stream
                    .build();
            for (String format : List.of("csv", "jsonl")) {
                long started = System.nanoTime();
                HttpResponse<InputStream> response = http.send(
                        HttpRequest.newBuilder(URI.create(
                                        server.baseUrl() + "/api/v1/exports/study.household?format=" + format))
                                .header("Authorization", "Bearer " + BenchApps.ADMIN)
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                long bytes = 0;
                long lines = 0;
                try (InputStream body = response.body()) {
                    byte[] buffer = new byte[1 << 16];
                    for (int read; (read = body.read(buffer)) > 0; ) {
                        bytes += read;
                        for (int i = 0; i < read; i++) {
                            lines += buffer[i] == '\n' ? 1 : 0;
                        }
                    }
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                long records = format.equals("csv") ? lines - 1 : lines;
                if (response.statusCode() != 200 || records != n) {
                    throw new IllegalStateException(
                            format + " export: " + response.statusCode() + ", " + records + " records of " + n);
                }
                rows.add(String.format(
                        "| %s | %d | %.1f | %.1f | %.0f | 48 MB | %d MB |",
                        format,
                        records,
                        bytes / 1e6,
                        seconds,
                        records / seconds,
                        BenchApps.procStatusKb(server.pid(), "VmHWM") / 1024));
            }
        }
        System.out.println();
        System.out.println("Data out: study.household exported by a server with -Xmx48m (PostgreSQL, a cursor of 1000 "
                + "rows; the export is larger than the heap)");
        System.out.println("| format | records | MB | s | records/s | server heap limit | server peak RSS |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
    }
}
