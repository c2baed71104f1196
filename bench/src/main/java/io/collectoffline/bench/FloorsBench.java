package io.collectoffline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.codec.DeviceSigningKey;
import io.collectoffline.codec.KeyRing;
import io.collectoffline.codec.PayloadDictionaries;
import io.collectoffline.codec.SealedCodec;
import io.collectoffline.codec.SealedPayload;
import io.collectoffline.offline.OfflineEntity;
import io.collectoffline.offline.RecordSnapshot;
import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.TimeOrderedUuid;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.protocol.TransactionHeader;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntConsumer;

/**
 * What every change costs at least in this design (issue 18), against the budget per change each goal implies:
 * the work the protocol requires of each vital signs form — compressing it with its model's dictionary and sealing
 * it (ADR 15, DESIGN §7), signing it on the laptop (ADR 12); checking the signature, opening and parsing it on the
 * server — timed one operation at a time on one thread, as CPU microseconds per change, in two JVMs: one with the
 * laptop unit's options ({@link ClientBench#LAPTOP_FLAGS}: C1 only) and one with the server unit's ({@code -Xmx1g}:
 * C1 and C2). And the bytes each change needs on any wire: the compressed form, the AEAD's nonce and tag, the
 * signature and the two ids, in binary, without JSON, base64 or the batch around them.
 *
 * <p>These floors leave out everything else (H2, Hibernate, PostgreSQL, HTTP, JSON of the batch), so a goal whose
 * budget is below its floor cannot be met by any code that keeps these guarantees on this machine.
 * {@code bench.floors.n} forms (default 10000), each operation over all of them three times to warm the JIT, then
 * timed.
 */
public final class FloorsBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "study.vital_signs";
    private static final List<String> PARTS = List.of("compress", "seal", "sign", "verify", "open", "parse");

    private FloorsBench() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("bench.floors.n", 10_000);
        if (args.length > 0 && args[0].equals("measure")) {
            measure(n).forEach((k, v) -> System.out.println("floor " + k + "=" + v));
            return;
        }
        Map<String, Double> laptop = child(ClientBench.LAPTOP_FLAGS, n);
        Map<String, Double> server = child(List.of("-Xmx1g"), n);
        System.out.println();
        System.out.println("Per change, µs of CPU on one thread (" + n + " vital signs forms; each part alone)");
        System.out.println("| part | laptop JVM (the unit's: " + String.join(" ", ClientBench.LAPTOP_FLAGS)
                + ") | server JVM (the unit's: -Xmx1g) |");
        System.out.println("|---|---:|---:|");
        Map<String, String> what = Map.of(
                "compress", "compress with the model's dictionary",
                "seal", "seal (compress, then AES-GCM)",
                "sign", "sign (SHA-256 of the payload, Ed25519)",
                "verify", "check the signature (SHA-256, Ed25519)",
                "open", "open (AES-GCM, inflate)",
                "parse", "parse the snapshot (JSON)");
        for (String part : PARTS) {
            System.out.printf(
                    "| %s | %.1f | %.1f |%n", what.get(part), laptop.get(part + ".us"), server.get(part + ".us"));
        }
        for (History kept : History.values()) {
            String key = kept.key();
            System.out.printf(
                    "| write a bulk entry's rows with plain JDBC (H2, the laptop's schema and URL, 1000 forms per "
                            + "commit): %s; CPU of the whole JVM, and wall time | %.1f (%.1f wall: %.0f/s) "
                            + "| %.1f (%.1f wall: %.0f/s) |%n",
                    kept.rows,
                    laptop.get("h2.us." + key),
                    laptop.get("h2.wall.us." + key),
                    1e6 / laptop.get("h2.wall.us." + key),
                    server.get("h2.us." + key),
                    server.get("h2.wall.us." + key),
                    1e6 / server.get("h2.wall.us." + key));
        }
        double laptopSeals = laptop.get("seal.us") + laptop.get("sign.us");
        double laptopNeeds = laptopSeals + laptop.get("h2.us." + History.NONE.key());
        double serverNeeds = server.get("verify.us") + server.get("open.us") + server.get("parse.us");
        double bytes = laptop.get("compressed.bytes") + 12 + 16 + 64 + 16 + 16;
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.println();
        System.out.println(
                "Each goal's budget per change on this machine (" + cores + " cores) against the floor above");
        System.out.println("| goal | budget per change | what each change needs at least | floor / budget |");
        System.out.println("|---|---:|---|---:|");
        double e2eBudget = cores * 1e6 / 20_000;
        System.out.printf(
                "| item 2: ≥ 20,000 changes/s end to end (laptop, server and PostgreSQL share the cores) | %.0f µs CPU "
                        + "| the server's check, open and parse: %.0f µs (no PostgreSQL, HTTP or laptop) "
                        + "| **%.2f** |%n",
                e2eBudget, serverNeeds, serverNeeds / e2eBudget);
        double entryBudget = cores * 1e6 / 15_000;
        System.out.printf(
                "| item 3: ≥ 15,000 entries/s on the laptop | %.0f µs CPU | sealing and signing in the laptop's JVM "
                        + "%.0f µs, and H2 writing the record and its outgoing transaction with plain JDBC %.0f µs: "
                        + "%.0f µs (no history row, Hibernate, trigger, lookups, checks or API) | **%.2f** |%n",
                entryBudget,
                laptopSeals,
                laptop.get("h2.us." + History.NONE.key()),
                laptopNeeds,
                laptopNeeds / entryBudget);
        System.out.printf(
                "| item 4: ≤ 250 bytes per change on the wire | 250 bytes | the compressed form %.0f + nonce 12 + tag "
                        + "16 + signature 64 + txId and record id 32, binary: %.0f bytes (no header, JSON or batch) "
                        + "| **%.2f** |%n",
                laptop.get("compressed.bytes"), bytes, bytes / 250);
        System.out.printf(
                "(the form: %.0f bytes of snapshot JSON, %.0f compressed; a sealed payload %.0f bytes with its "
                        + "epoch's key block)%n",
                laptop.get("plaintext.bytes"), laptop.get("compressed.bytes"), laptop.get("sealed.bytes"));
    }

    /** Runs {@code measure} in a JVM of its own with {@code flags}; answers its figures. */
    private static Map<String, Double> child(List<String> flags, int n) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(flags);
        command.add("-Dbench.floors.n=" + n);
        command.add("-cp");
        command.add(classPath());
        command.add(FloorsBench.class.getName());
        command.add("measure");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Map<String, Double> figures = new LinkedHashMap<>();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("the measuring JVM failed:\n" + output);
        }
        for (String line : output.split("\n")) {
            if (line.startsWith("floor ")) {
                String[] kv = line.substring(6).split("=", 2);
                figures.put(kv[0], Double.parseDouble(kv[1]));
            }
        }
        return figures;
    }

    /** The classpath this class was loaded from (exec:java loads it in a class loader of its own). */
    private static String classPath() {
        List<String> entries = new ArrayList<>();
        for (ClassLoader loader = FloorsBench.class.getClassLoader(); loader != null; loader = loader.getParent()) {
            if (loader instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    entries.add(url.getPath());
                }
            }
        }
        return entries.isEmpty() ? System.getProperty("java.class.path") : String.join(File.pathSeparator, entries);
    }

    /** Each part over {@code n} forms: three warming passes, then one timed; µs of this thread's CPU per change. */
    private static Map<String, Double> measure(int n) throws Exception {
        Path keys = Files.createTempDirectory("floors-keys");
        try {
            SealedCodec codec = new SealedCodec(KeyRing.generate(keys), 10_000, Duration.ofDays(1));
            KeyRing opener = KeyRing.load(keys);
            DeviceSigningKey signer = DeviceSigningKey.generate();
            DeviceSigningKey verifier = signer.publicOnly();
            PayloadDictionaries dictionaries = PayloadDictionaries.shipped();
            TransactionHeader[] headers = new TransactionHeader[n];
            byte[][] forms = new byte[n][];
            for (int i = 0; i < n; i++) {
                UUID id = TimeOrderedUuid.next();
                headers[i] =
                        new TransactionHeader(TimeOrderedUuid.next(), "laptop-07", i + 1, MODEL, id, Action.INSERT);
                forms[i] = form(id, i);
            }
            SealedPayload[] sealed = new SealedPayload[n];
            TransactionEnvelope[] envelopes = new TransactionEnvelope[n];
            byte[][] signatures = new byte[n][];
            Map<String, IntConsumer> parts = new LinkedHashMap<>();
            parts.put("compress", i -> dictionaries.compress(MODEL, forms[i]));
            parts.put("seal", i -> {
                sealed[i] = codec.seal(headers[i], forms[i]);
                TransactionHeader h = headers[i];
                envelopes[i] = new TransactionEnvelope(
                        h.txId(),
                        h.producer(),
                        h.seq(),
                        MODEL,
                        h.recordId(),
                        h.action(),
                        Instant.now(),
                        sealed[i].keyId(),
                        sealed[i].bytes());
            });
            parts.put("sign", i -> signatures[i] = signer.sign(envelopes[i]));
            parts.put("verify", i -> {
                if (!verifier.verifies(envelopes[i], signatures[i])) {
                    throw new IllegalStateException("a signature did not verify");
                }
            });
            parts.put("open", i -> forms[i] = opener.open(headers[i], sealed[i].keyId(), sealed[i].bytes()));
            parts.put("parse", i -> RecordSnapshot.fromJson(forms[i]));
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            Map<String, Double> figures = new LinkedHashMap<>();
            for (int pass = 0; pass < 4; pass++) {
                for (Map.Entry<String, IntConsumer> part : parts.entrySet()) {
                    long cpu = threads.getCurrentThreadCpuTime();
                    for (int i = 0; i < n; i++) {
                        part.getValue().accept(i);
                    }
                    if (pass == 3) {
                        figures.put(part.getKey() + ".us", (threads.getCurrentThreadCpuTime() - cpu) / 1e3 / n);
                    }
                }
            }
            long plaintext = 0;
            long compressed = 0;
            long sealedBytes = 0;
            for (int i = 0; i < n; i++) {
                plaintext += forms[i].length;
                compressed += dictionaries.compress(MODEL, forms[i]).length;
                sealedBytes += sealed[i].bytes().length;
            }
            figures.put("plaintext.bytes", (double) plaintext / n);
            figures.put("compressed.bytes", (double) compressed / n);
            figures.put("sealed.bytes", (double) sealedBytes / n);
            figures.putAll(h2Writes(n, sealed, signatures));
            return figures;
        } finally {
            deleteTree(keys);
        }
    }

    /**
     * A vital signs form as the laptop's capture writes it for {@code EndToEndBench}'s forms: the record's columns and
     * the audit columns the laptop stamps, the same values the bench enters.
     */
    private static byte[] form(UUID id, int i) throws Exception {
        return new RecordSnapshot(MODEL, 2, fields(id, TimeOrderedUuid.next(), i), 1, null).toJson();
    }

    private static ObjectNode fields(UUID id, UUID visit, int i) {
        String now = Instant.now().toString();
        ObjectNode f = JsonNodeFactory.instance.objectNode();
        f.put("id", id.toString())
                .put("version", 0)
                .put("created", now)
                .put("modified", now)
                .put("user_created", "nurse.amina")
                .put("user_modified", "nurse.amina")
                .put("hostname_created", "field-laptop-07")
                .put("hostname_modified", "field-laptop-07")
                .put("device_created", "laptop-07")
                .put("device_modified", "laptop-07")
                .put("subject_visit_id", visit.toString())
                .put("report_datetime", "2026-12-01T08:05:00Z")
                .put("weight_kg", 50 + i % 400 / 10.0)
                .put("height_cm", 150 + i % 40)
                .put("systolic_bp", 100 + i % 60)
                .put("diastolic_bp", 60 + i % 30)
                .put("temperature_c", 36 + i % 20 / 10.0)
                .put("heart_rate", 55 + i % 50)
                .put("comments", "Participant seated and calm; measured twice, the second reading recorded.");
        return f;
    }

    /** The laptop's migrations, study and client, in version order (Flyway's order: one sequence across both). */
    private static List<Path> laptopMigrations() throws Exception {
        Path root = Path.of(System.getProperty("bench.root", ".."));
        List<Path> scripts = new ArrayList<>();
        for (String dir :
                List.of("shared-model/src/main/resources/db/study", "sync-client/src/main/resources/db/client")) {
            try (var files = Files.list(root.resolve(dir))) {
                files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql"))
                        .forEach(scripts::add);
            }
        }
        scripts.sort(Comparator.comparingInt(
                f -> Integer.parseInt(f.getFileName().toString().split("__")[0].substring(1))));
        return scripts;
    }

    /**
     * H2's part of a bulk entry, with nothing else: each form's rows (the record, its outgoing transaction with the
     * sealed payload and signature made above and, as {@link History} says, its history row) and one seq counter
     * update per request, written with plain JDBC batches into the laptop's schema (its migrations) with the laptop's
     * URL settings, 1000 forms per commit. No Hibernate, trigger, lookups, API or JSON of a request. Each kind of
     * history into a database of its own, taking turns pass by pass so that the JVM's state and the machine's drift
     * hit them alike; six passes of {@code n} new forms, the best of the last three taken: CPU of the whole JVM (the
     * JIT and the collector included) and wall time, per form.
     */
    private static Map<String, Double> h2Writes(int n, SealedPayload[] sealed, byte[][] signatures) throws Exception {
        int passes = 6;
        Map<String, Double> figures = new LinkedHashMap<>();
        List<H2Floor> floors = new ArrayList<>();
        try {
            for (History kept : History.values()) {
                floors.add(new H2Floor(kept, n * passes));
            }
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            for (int pass = 0; pass < passes; pass++) {
                for (H2Floor floor : floors) {
                    long cpu = os.getProcessCpuTime();
                    long wall = System.nanoTime();
                    floor.write(pass * n, n, sealed, signatures);
                    if (pass >= passes - 3) {
                        String kept = "." + floor.kept.key();
                        figures.merge("h2.us" + kept, (os.getProcessCpuTime() - cpu) / 1e3 / n, Math::min);
                        figures.merge("h2.wall.us" + kept, (System.nanoTime() - wall) / 1e3 / n, Math::min);
                    }
                }
            }
            return figures;
        } finally {
            for (H2Floor floor : floors) {
                floor.close();
            }
        }
    }

    /** One laptop database of {@link #h2Writes}, with its visits made (untimed) and its statements prepared. */
    private static final class H2Floor implements AutoCloseable {

        private static final String RECORD = "INSERT INTO vital_signs (id, subject_visit_id, weight_kg, height_cm, "
                + "systolic_bp, diastolic_bp, temperature_c, heart_rate, report_datetime, comments, version, created, "
                + "modified, user_created, user_modified, hostname_created, hostname_modified, device_created, "
                + "device_modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 'nurse.amina', 'nurse.amina', "
                + "'field-laptop-07', 'field-laptop-07', 'laptop-07', 'laptop-07')";
        private static final String OUTGOING = "INSERT INTO outgoing_transaction (tx_id, producer, seq, model, "
                + "record_id, action, captured_at, key_id, payload, signer, signature) "
                + "VALUES (?, 'laptop-07', ?, ?, ?, "
                + "'INSERT', ?, ?, ?, 'floors', ?)";
        private static final String HISTORY = "INSERT INTO record_history (model, record_id, action, tx_id, seq, "
                + "changed_at, changed_by, device_id, hostname, changes, rev, producer) "
                + "VALUES (?, ?, 'INSERT', ?, ?, ?, "
                + "?, ?, ?, ?, 1, NULL)";

        final History kept;
        private final Path dir;
        private final Connection c;
        private final UUID[] visits;
        private long seq;

        H2Floor(History kept, int forms) throws Exception {
            this.kept = kept;
            this.dir = Files.createTempDirectory("floors-h2");
            this.c = DriverManager.getConnection(
                    "jdbc:h2:file:" + dir.resolve("client") + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=64",
                    "sa",
                    "");
            try (Statement st = c.createStatement()) {
                for (Path script : laptopMigrations()) {
                    st.execute("RUNSCRIPT FROM '" + script.toAbsolutePath() + "'");
                }
                st.execute("INSERT INTO producer_counter (producer, last_seq) VALUES ('laptop-07', 0)");
            }
            this.visits = visits(c, forms);
            c.setAutoCommit(false);
        }

        /** Writes {@code n} forms, those of visits {@code first}…, in requests of 1000, each its own commit. */
        void write(int first, int n, SealedPayload[] sealed, byte[][] signatures) throws SQLException {
            try (PreparedStatement counter = c.prepareStatement(
                            "UPDATE producer_counter SET last_seq = last_seq + ? WHERE producer = 'laptop-07'");
                    PreparedStatement records = c.prepareStatement(RECORD);
                    PreparedStatement outgoings = c.prepareStatement(OUTGOING);
                    PreparedStatement histories = c.prepareStatement(HISTORY)) {
                for (int from = 0; from < n; from += 1000) {
                    int to = Math.min(n, from + 1000);
                    counter.setInt(1, to - from);
                    counter.executeUpdate();
                    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                    for (int i = from; i < to; i++) {
                        UUID id = TimeOrderedUuid.next();
                        ObjectNode f = fields(id, visits[first + i], i);
                        records.setObject(1, id);
                        records.setObject(2, visits[first + i]);
                        records.setBigDecimal(3, f.get("weight_kg").decimalValue());
                        records.setBigDecimal(4, f.get("height_cm").decimalValue());
                        records.setInt(5, f.get("systolic_bp").intValue());
                        records.setInt(6, f.get("diastolic_bp").intValue());
                        records.setBigDecimal(7, f.get("temperature_c").decimalValue());
                        records.setInt(8, f.get("heart_rate").intValue());
                        records.setObject(
                                9, OffsetDateTime.parse(f.get("report_datetime").asText()));
                        records.setString(10, f.get("comments").asText());
                        records.setObject(11, now);
                        records.setObject(12, now);
                        records.addBatch();
                        UUID txId = TimeOrderedUuid.next();
                        seq++;
                        outgoings.setObject(1, txId);
                        outgoings.setLong(2, seq);
                        outgoings.setString(3, MODEL);
                        outgoings.setObject(4, id);
                        outgoings.setObject(5, now);
                        outgoings.setString(6, sealed[i].keyId());
                        outgoings.setBytes(7, sealed[i].bytes());
                        outgoings.setBytes(8, signatures[i]);
                        outgoings.addBatch();
                        if (kept == History.NONE) {
                            continue;
                        }
                        ObjectNode changes = JsonNodeFactory.instance.objectNode();
                        if (kept == History.FULL) {
                            f.fields().forEachRemaining(e -> {
                                if (!OfflineEntity.AUDIT_COLUMNS.contains(e.getKey())) {
                                    changes.putObject(e.getKey())
                                            .putNull("from")
                                            .set("to", e.getValue());
                                }
                            });
                        }
                        histories.setString(1, MODEL);
                        histories.setObject(2, id);
                        histories.setObject(3, txId);
                        histories.setLong(4, seq);
                        histories.setObject(5, now);
                        histories.setString(6, "nurse.amina");
                        histories.setString(7, "laptop-07");
                        histories.setString(8, "field-laptop-07");
                        histories.setString(9, changes.toString());
                        histories.addBatch();
                    }
                    records.executeBatch();
                    outgoings.executeBatch();
                    if (kept != History.NONE) {
                        histories.executeBatch();
                    }
                    c.commit();
                }
            }
        }

        @Override
        public void close() throws Exception {
            c.close();
            deleteTree(dir);
        }
    }

    /** What {@link #h2Writes} writes of the history: each field as the trigger does, a row without values, nothing. */
    private enum History {
        FULL("record, outgoing transaction, history row listing each field (as the trigger writes them)"),
        EMPTY("record, outgoing transaction, history row without the field values"),
        NONE("record and outgoing transaction only");

        /** The rows each form gets, as the table says it. */
        final String rows;

        History(String rows) {
            this.rows = rows;
        }

        /** The suffix of this variant's figures, as the measuring JVM prints them. */
        String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Deletes {@code dir} and everything under it. */
    private static void deleteTree(Path dir) throws Exception {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** {@code count} visits for the forms to refer to (a household, a subject per 100 visits), written untimed. */
    private static UUID[] visits(Connection c, int count) throws SQLException {
        UUID[] visits = new UUID[count];
        String audit = "version, user_created, device_created) VALUES (";
        UUID household = TimeOrderedUuid.next();
        try (PreparedStatement h = c.prepareStatement("INSERT INTO household (id, household_identifier, " + audit
                        + "?, 'FLOORS-1', 0, 'floors', 'floors')");
                PreparedStatement s = c.prepareStatement(
                        "INSERT INTO subject (id, subject_identifier, household_id, " + "gender, consent_datetime, "
                                + audit + "?, ?, ?, 'F', CURRENT_TIMESTAMP, 0, 'floors', 'floors')");
                PreparedStatement v = c.prepareStatement("INSERT INTO subject_visit (id, subject_id, visit_code, "
                        + "visit_datetime, " + audit + "?, ?, ?, CURRENT_TIMESTAMP, 0, 'floors', 'floors')")) {
            h.setObject(1, household);
            h.executeUpdate();
            UUID subject = null;
            for (int i = 0; i < count; i++) {
                if (i % 100 == 0) {
                    subject = TimeOrderedUuid.next();
                    s.setObject(1, subject);
                    s.setString(2, "S-" + i / 100);
                    s.setObject(3, household);
                    s.executeUpdate();
                }
                visits[i] = TimeOrderedUuid.next();
                v.setObject(1, visits[i]);
                v.setObject(2, subject);
                v.setString(3, "V" + i % 100);
                v.addBatch();
            }
            v.executeBatch();
        }
        return visits;
    }
}
