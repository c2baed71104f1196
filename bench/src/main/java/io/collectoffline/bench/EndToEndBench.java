package io.collectoffline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.testing.AppProcess;
import io.collectoffline.testing.LinkRelay;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * End to end with the packaged apps: N changes entered on a laptop (through its bulk data entry API, captured and
 * sealed), then pushed to a server on PostgreSQL until all are applied there. One row per form: the vital signs form
 * (issue 18: ~19 fields, about 600 bytes of JSON per record; the visits it belongs to are entered and pushed first,
 * not timed) and the household (the earlier tables' record; up to 20k households entered and pushed first, not
 * timed, so that both rows time warm apps); then, with {@code bench.pending} (1,000,000; 0 skips
 * it), households again at scale. The laptop app runs with the systemd unit's JVM options. Every row prints, besides
 * the rates, the bytes on the wire per change in each direction during the push (counted at the socket by a relay
 * between laptop and server) and the CPU seconds per 1000 changes of the laptop (entry, push) and of the server (push
 * + apply; not PostgreSQL's), read from {@code /proc}. Fails loudly if a count does not match at the end.
 *
 * <p>System properties: {@code bench.e2e.n}, {@code bench.pending}, {@code bench.e2e.delayMs} (the relay holds each
 * chunk that long each way; 0, the default: a loopback; 100: a 200 ms round trip), {@code bench.e2e.forms} (default
 * {@code vital_signs,household}), {@code bench.jdbc}, {@code bench.user}.
 */
public final class EndToEndBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long the relay between laptop and server holds each chunk, each way ({@code bench.e2e.delayMs}). */
    private static final Duration DELAY = Duration.ofMillis(Long.getLong("bench.e2e.delayMs", 0));

    private static final String LAPTOP_FLAGS = BenchApps.LAPTOP_FLAGS;
    /** Visits per subject in the vital signs set-up (visit codes 1000, 1001, …). */
    private static final int VISITS_PER_SUBJECT = 100;
    /** Clock ticks per second of {@code /proc/<pid>/stat} (USER_HZ; 100 on Linux). */
    static final double TICKS = 100.0;

    private EndToEndBench() {}

    private record Row(
            String form,
            int count,
            int recordBytes,
            double entrySeconds,
            double pushSeconds,
            double totalSeconds,
            double up,
            double down,
            double laptopEntryCpu,
            double laptopPushCpu,
            double serverCpu,
            double postgresCpu,
            long rssMb,
            long statusMillis) {}

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("bench.e2e.n", 100_000);
        int pending = Integer.getInteger("bench.pending", 1_000_000);
        String jdbc = System.getProperty("bench.jdbc", "jdbc:postgresql://127.0.0.1:5432/bench");
        String user = System.getProperty("bench.user", "postgres");
        List<String> forms = List.of(
                System.getProperty("bench.e2e.forms", "vital_signs,household").split(","));

        List<Row> rows = new ArrayList<>();
        for (String form : forms) {
            rows.add(run(form, n, jdbc, user));
        }
        if (pending > 0) {
            rows.add(run("household", pending, jdbc, user));
        }
        System.out.println();
        System.out.println("End to end: changes entered on a laptop (" + LAPTOP_FLAGS + ", bulk API, captured, sealed "
                + "and signed), pushed to a server on PostgreSQL until all applied, over a link that delays each "
                + "chunk " + DELAY.toMillis() + " ms each way; bytes counted at the socket "
                + "during the push; CPU seconds per 1000 changes (laptop: entry, push; server: push + apply)");
        System.out.println("| form (JSON bytes) | changes | entry s | entered/s | push s | push + apply s "
                + "| end to end tx/s | bytes/change up | bytes/change down | laptop CPU s/1000 entry "
                + "| laptop CPU s/1000 push | server CPU s/1000 | PostgreSQL CPU s/1000 | laptop RSS while pushing "
                + "| laptop status ms, all pending |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            System.out.printf(
                    Locale.ROOT,
                    "| %s (%d) | %d | %.1f | %.0f | %.1f | %.1f | **%.0f** | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f "
                            + "| %d MB | %d |%n",
                    r.form(),
                    r.recordBytes(),
                    r.count(),
                    r.entrySeconds(),
                    r.count() / r.entrySeconds(),
                    r.pushSeconds(),
                    r.totalSeconds(),
                    r.count() / r.totalSeconds(),
                    r.up(),
                    r.down(),
                    r.laptopEntryCpu(),
                    r.laptopPushCpu(),
                    r.serverCpu(),
                    r.postgresCpu(),
                    r.rssMb(),
                    r.statusMillis());
        }
    }

    private static Row run(String form, int count, String jdbc, String user) throws Exception {
        BenchApps.resetDatabase(jdbc, user);
        Path work = Files.createTempDirectory("bench-e2e");
        try (AppProcess server = BenchApps.server(work, jdbc, user);
                LinkRelay relay = new LinkRelay(URI.create(server.baseUrl()), DELAY)) {
            String token = BenchApps.enrol(server, "bench-laptop");
            try (AppProcess laptop = BenchApps.laptop(work.resolve("laptop"), "bench-laptop", relay.url(), token)) {
                String url = laptop.baseUrl();
                List<UUID> visits = form.equals("vital_signs") ? enterVisits(url, count) : List.of();
                if (visits.isEmpty()) {
                    // up to 20k households first, as the vital signs' set-up has visits: both rows time warm apps
                    // (a server runs for weeks; a cold one spends its first 20k changes compiling)
                    BenchApps.enterHouseholds(url, "E2E-WARM-", Math.min(count, 20_000));
                }
                // the set-up's records (households; or a household, subjects, visits) as the laptop captured them
                long before = status(url, null).path("pending").asLong();
                pushAll(laptop);
                BenchApps.awaitApplied(server, before);

                long laptopTicks = cpuTicks(laptop.pid());
                long started = System.nanoTime();
                if (visits.isEmpty()) {
                    BenchApps.enterHouseholds(url, "E2E-", count);
                } else {
                    enterVitalSigns(url, visits);
                }
                double entrySeconds = (System.nanoTime() - started) / 1e9;
                double laptopEntryCpu = (cpuTicks(laptop.pid()) - laptopTicks) / TICKS;
                BenchApps.check(status(url, null).path("pending").asLong() == count, "pending on the laptop");
                long statusMillis = statusMillis(url);
                int recordBytes = aRecordsBytes(url, form);

                long up = relay.up();
                long down = relay.down();
                laptopTicks = cpuTicks(laptop.pid());
                long serverTicks = cpuTicks(server.pid());
                long postgresTicks = postgresTicks();
                started = System.nanoTime();
                long maxRssKb = pushAll(laptop);
                double pushSeconds = (System.nanoTime() - started) / 1e9;
                BenchApps.awaitApplied(server, before + count);
                double totalSeconds = (System.nanoTime() - started) / 1e9;
                double perThousand = count / 1000.0;
                return new Row(
                        form,
                        count,
                        recordBytes,
                        entrySeconds,
                        pushSeconds,
                        totalSeconds,
                        (relay.up() - up) / (double) count,
                        (relay.down() - down) / (double) count,
                        laptopEntryCpu / perThousand,
                        (cpuTicks(laptop.pid()) - laptopTicks) / TICKS / perThousand,
                        (cpuTicks(server.pid()) - serverTicks) / TICKS / perThousand,
                        (postgresTicks() - postgresTicks) / TICKS / perThousand,
                        maxRssKb / 1024,
                        statusMillis);
            }
        }
    }

    /** Pushes until nothing is pending; returns the laptop's largest RSS seen after each push, in kB. */
    private static long pushAll(AppProcess laptop) throws Exception {
        long maxRssKb = 0;
        while (status(laptop.baseUrl(), null).path("pending").asLong() > 0) {
            JsonNode report = send(laptop.baseUrl() + "/api/v1/push?wait=true", null, "");
            if (report.path("accepted").asLong() == 0) {
                System.out.println("a push accepted nothing: " + report);
            }
            maxRssKb = Math.max(maxRssKb, rssKb(laptop.pid()));
        }
        return maxRssKb;
    }

    /**
     * The visits the vital signs forms belong to: one household, a subject per {@value #VISITS_PER_SUBJECT} visits,
     * {@code count} visits in all (not timed).
     */
    private static List<UUID> enterVisits(String laptop, int count) throws Exception {
        String household = send(
                        laptop + "/api/v1/records/study.household",
                        null,
                        "{\"householdIdentifier\":\"E2E-HH\",\"village\":\"Oodi\"}")
                .get("id")
                .asText();
        List<UUID> subjects = new ArrayList<>();
        ArrayNode records = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < (count + VISITS_PER_SUBJECT - 1) / VISITS_PER_SUBJECT; i++) {
            UUID id = UUID.randomUUID();
            subjects.add(id);
            records.addObject()
                    .put("id", id.toString())
                    .put("subjectIdentifier", "E2E-S-" + i)
                    .put("householdId", household)
                    .put("gender", i % 2 == 0 ? "F" : "M")
                    .put("consentDatetime", "2026-11-27T09:00:00+02:00");
            if (records.size() == 1000) {
                bulk(laptop, "study.subject", records);
                records = JsonNodeFactory.instance.arrayNode();
            }
        }
        if (!records.isEmpty()) {
            bulk(laptop, "study.subject", records);
        }
        List<UUID> visits = new ArrayList<>();
        records = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < count; i++) {
            UUID id = UUID.randomUUID();
            visits.add(id);
            records.addObject()
                    .put("id", id.toString())
                    .put("subjectId", subjects.get(i / VISITS_PER_SUBJECT).toString())
                    .put("visitCode", Integer.toString(1000 + i % VISITS_PER_SUBJECT))
                    .put("visitDatetime", "2026-12-01T10:00:00+02:00");
            if (records.size() == 1000 || i == count - 1) {
                bulk(laptop, "study.subject_visit", records);
                records = JsonNodeFactory.instance.arrayNode();
            }
        }
        return visits;
    }

    /** One vital signs form per visit, 1000 per request. */
    private static void enterVitalSigns(String laptop, List<UUID> visits) throws Exception {
        ArrayNode records = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < visits.size(); i++) {
            ObjectNode form = records.addObject()
                    .put("subjectVisitId", visits.get(i).toString())
                    .put("reportDatetime", "2026-12-01T10:05:00+02:00");
            form.put("weightKg", 50 + i % 400 / 10.0)
                    .put("heightCm", 150 + i % 40)
                    .put("systolicBp", 100 + i % 60)
                    .put("diastolicBp", 60 + i % 30)
                    .put("heartRate", 55 + i % 50)
                    .put("temperatureC", 36 + i % 20 / 10.0)
                    .put("comments", "Participant seated and calm; measured twice, the second reading recorded.");
            if (records.size() == 1000 || i == visits.size() - 1) {
                bulk(laptop, "study.vital_signs", records);
                records = JsonNodeFactory.instance.arrayNode();
            }
        }
    }

    /** The size of one record of {@code form} as the laptop's API shows it (audit fields included). */
    private static int aRecordsBytes(String laptop, String form) throws Exception {
        JsonNode first = BenchApps.get(laptop + "/api/v1/records/study." + form + "?size=1", null)
                .path("items")
                .path(0);
        return JSON.writeValueAsString(first).length();
    }

    private static void bulk(String laptop, String model, ArrayNode records) throws Exception {
        send(laptop + "/api/v1/records/" + model + "/bulk", null, JSON.writeValueAsString(records));
    }

    private static JsonNode send(String url, String token, String body) throws Exception {
        return BenchApps.send(url, token, body);
    }

    /** The laptop's status with everything entered still pending: the median of five requests, in ms. */
    private static long statusMillis(String laptop) throws Exception {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long started = System.nanoTime();
            status(laptop, null);
            millis.add((System.nanoTime() - started) / 1_000_000);
        }
        java.util.Collections.sort(millis);
        return millis.get(2);
    }

    private static JsonNode status(String baseUrl, String token) throws Exception {
        return BenchApps.get(baseUrl + "/api/v1/status", token);
    }

    /** User + system CPU of a process so far, in clock ticks ({@code /proc/<pid>/stat} fields 14 and 15). */
    static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** CPU of every PostgreSQL process of this machine so far (the bench's database is the only busy one). */
    static long postgresTicks() throws Exception {
        long ticks = 0;
        try (var processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.toList()) {
                String name = process.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    if (Files.readString(process.resolve("comm")).startsWith("postgres")) {
                        ticks += cpuTicks(Long.parseLong(name));
                    }
                } catch (java.io.IOException gone) {
                    // the process ended meanwhile
                }
            }
        }
        return ticks;
    }

    static long rssKb(long pid) throws Exception {
        return BenchApps.procStatusKb(pid, "VmRSS");
    }
}
