package io.collectoffline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.codec.DeviceSigningKey;
import io.collectoffline.codec.KeyRing;
import io.collectoffline.codec.PayloadDictionaries;
import io.collectoffline.codec.SealedCodec;
import io.collectoffline.codec.SealedPayload;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
        double laptopNeeds = laptop.get("seal.us") + laptop.get("sign.us");
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
                "| item 3: ≥ 15,000 entries/s on the laptop | %.0f µs CPU | sealing and signing in the laptop's JVM: "
                        + "%.0f µs (no H2, Hibernate, trigger or API) | **%.2f** |%n",
                entryBudget, laptopNeeds, laptopNeeds / entryBudget);
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
            return figures;
        } finally {
            try (var files = Files.walk(keys)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * A vital signs form as the laptop's capture writes it for {@code EndToEndBench}'s forms: the record's columns and
     * the audit columns the laptop stamps, the same values the bench enters.
     */
    private static byte[] form(UUID id, int i) throws Exception {
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
                .put("subject_visit_id", TimeOrderedUuid.next().toString())
                .put("report_datetime", "2026-12-01T08:05:00Z")
                .put("weight_kg", 50 + i % 400 / 10.0)
                .put("height_cm", 150 + i % 40)
                .put("systolic_bp", 100 + i % 60)
                .put("diastolic_bp", 60 + i % 30)
                .put("temperature_c", 36 + i % 20 / 10.0)
                .put("heart_rate", 55 + i % 50)
                .put("comments", "Participant seated and calm; measured twice, the second reading recorded.");
        return new RecordSnapshot(MODEL, 2, f, 1, null).toJson();
    }
}
