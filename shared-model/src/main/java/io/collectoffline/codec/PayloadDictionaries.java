package io.collectoffline.codec;

import io.collectoffline.offline.ModelDescriptor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Compresses record snapshots before they are sealed (ADR 15): raw deflate with a preset dictionary per model — the
 * JSON skeleton of its snapshot, its column names in table order — so that a record of a few hundred bytes, which
 * deflate alone hardly shrinks because no field name repeats within it, goes to about a third.
 *
 * <p>Dictionaries are data, shipped next to the models that use them: an index
 * {@value #INDEX} (any number on the class path, one per jar) lists {@code <model> <number> <id>}, and each
 * dictionary is the file {@code META-INF/collect-offline/payload-dictionaries/<model>.<number>.dict}. A payload names
 * its dictionary by id (the first four bytes of the dictionary's SHA-256), so a node opens payloads compressed with
 * any dictionary it ships, old or new; new payloads of a model use its highest-numbered one. A shipped dictionary is
 * never edited (loading checks every id against its file's content): when a model's columns change, a new number is
 * added ({@code PayloadDictionariesTest} says how) and the old one stays for the payloads already sealed with it.
 * A model without a dictionary is compressed without one (id 0).
 *
 * <p>Compressed form: {@code u32 dictionary id | raw deflate}.
 */
public final class PayloadDictionaries {

    /** The index's resource name. */
    public static final String INDEX = "META-INF/collect-offline/payload-dictionaries.txt";
    /** The folder of the dictionary files. */
    public static final String FOLDER = "META-INF/collect-offline/payload-dictionaries/";
    /** The most bytes a compressed payload may inflate to (a snapshot is a few KB; this bounds a deflate bomb). */
    public static final int MAX_INFLATED_BYTES = 8 * 1024 * 1024;

    /** One shipped dictionary. */
    public record Dictionary(String model, int number, int id, byte[] bytes) {}

    private static final class Shipped {
        static final PayloadDictionaries INSTANCE = load(PayloadDictionaries.class.getClassLoader());
    }

    private final Map<String, Dictionary> newest;
    private final Map<Integer, Dictionary> byId;

    private PayloadDictionaries(Map<String, Dictionary> newest, Map<Integer, Dictionary> byId) {
        this.newest = Collections.unmodifiableMap(newest);
        this.byId = Collections.unmodifiableMap(byId);
    }

    /** The dictionaries shipped on this application's class path. */
    public static PayloadDictionaries shipped() {
        return Shipped.INSTANCE;
    }

    /**
     * Loads every index on {@code loader}'s class path and the dictionaries it lists.
     *
     * @throws IllegalStateException when a listed file is missing, its content does not have its listed id (it was
     *                               edited after shipping), or two dictionaries share an id or a model and number
     */
    public static PayloadDictionaries load(ClassLoader loader) {
        Map<String, Dictionary> newest = new HashMap<>();
        Map<Integer, Dictionary> byId = new HashMap<>();
        try {
            for (URL index : Collections.list(loader.getResources(INDEX))) {
                String text;
                try (InputStream in = index.openStream()) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                for (String line : text.split("\n")) {
                    line = line.strip();
                    if (line.isEmpty() || line.startsWith("#")) {
                        continue;
                    }
                    String[] parts = line.split("\\s+");
                    if (parts.length != 3) {
                        throw new IllegalStateException(index + ": '" + line + "' is not '<model> <number> <id>'");
                    }
                    Dictionary dictionary = read(loader, parts[0], Integer.parseInt(parts[1]), parts[2]);
                    Dictionary clash = byId.put(dictionary.id(), dictionary);
                    if (clash != null) {
                        throw new IllegalStateException("payload dictionaries " + clash.model() + "." + clash.number()
                                + " and " + dictionary.model() + "." + dictionary.number() + " share the id "
                                + parts[2]);
                    }
                    newest.merge(dictionary.model(), dictionary, (a, b) -> {
                        if (a.number() == b.number()) {
                            throw new IllegalStateException(
                                    "payload dictionary " + a.model() + "." + a.number() + " is listed twice");
                        }
                        return a.number() > b.number() ? a : b;
                    });
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the payload dictionaries failed", e);
        }
        return new PayloadDictionaries(newest, byId);
    }

    private static Dictionary read(ClassLoader loader, String model, int number, String listedId) throws IOException {
        String name = FOLDER + model + "." + number + ".dict";
        byte[] bytes;
        try (InputStream in = loader.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("payload dictionary " + name + " is listed but not shipped");
            }
            bytes = in.readAllBytes();
        }
        int id = idOf(bytes);
        if (!HexFormat.of().formatHex(ByteBuffer.allocate(4).putInt(id).array()).equals(listedId)) {
            throw new IllegalStateException("payload dictionary " + name + " does not have its listed id " + listedId
                    + ": a shipped dictionary must never change (add a new number instead)");
        }
        return new Dictionary(model, number, id, bytes);
    }

    /**
     * The given dictionaries, each model's as its only one (number 1): what another release of the app ships, for a
     * test of two releases side by side.
     */
    public static PayloadDictionaries of(Map<String, byte[]> dictionaries) {
        Map<String, Dictionary> newest = new HashMap<>();
        Map<Integer, Dictionary> byId = new HashMap<>();
        dictionaries.forEach((model, bytes) -> {
            Dictionary dictionary = new Dictionary(model, 1, idOf(bytes), bytes.clone());
            newest.put(model, dictionary);
            byId.put(dictionary.id(), dictionary);
        });
        return new PayloadDictionaries(newest, byId);
    }

    /** A dictionary's id: the first four bytes of its SHA-256, never 0 (which means none). */
    public static int idOf(byte[] dictionary) {
        try {
            int id = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(dictionary))
                    .getInt();
            return id == 0 ? 1 : id;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The dictionary for {@code model} as its descriptor stands: the start of its snapshot's JSON with every column.
     * What {@code PayloadDictionariesTest} ships as a model's next number when its columns change.
     */
    public static byte[] build(ModelDescriptor model) {
        StringBuilder json = new StringBuilder("{\"model\":\"")
                .append(model.name())
                .append("\",\"schemaVersion\":")
                .append(model.schemaVersion())
                .append(",\"fields\":{");
        for (String column : model.columns().values()) {
            json.append('"').append(column).append("\":\"\",");
        }
        json.append("null,true,false},\"rev\":1,\"baseTxId\":\"");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The newest shipped dictionary of {@code model}. */
    public Optional<Dictionary> newest(String model) {
        return Optional.ofNullable(newest.get(model));
    }

    /** Every shipped dictionary, by id. */
    public Map<Integer, Dictionary> byId() {
        return byId;
    }

    /** Compresses a snapshot of {@code model} with its newest dictionary (none when it has none). */
    public byte[] compress(String model, byte[] plaintext) {
        Dictionary dictionary = newest.get(model);
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        try {
            if (dictionary != null) {
                deflater.setDictionary(dictionary.bytes());
            }
            deflater.setInput(plaintext);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(plaintext.length / 2 + 16);
            out.writeBytes(ByteBuffer.allocate(4)
                    .putInt(dictionary == null ? 0 : dictionary.id())
                    .array());
            byte[] buffer = new byte[Math.max(256, plaintext.length)];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /**
     * Inflates what {@link #compress} made.
     *
     * @throws PayloadFromNewerAppException when it names a dictionary this node does not ship
     * @throws PayloadRejectedException when it is not deflate data or would inflate beyond
     *                                   {@value #MAX_INFLATED_BYTES} bytes
     */
    public byte[] inflate(byte[] compressed) {
        if (compressed.length < 4) {
            throw new PayloadRejectedException("compressed payload is truncated");
        }
        int id = ByteBuffer.wrap(compressed).getInt();
        Dictionary dictionary = null;
        if (id != 0) {
            dictionary = byId.get(id);
            if (dictionary == null) {
                throw new PayloadFromNewerAppException(HexFormat.of().formatHex(compressed, 0, 4));
            }
        }
        Inflater inflater = new Inflater(true);
        try {
            if (dictionary != null) {
                inflater.setDictionary(dictionary.bytes());
            }
            inflater.setInput(compressed, 4, compressed.length - 4);
            ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.length * 3);
            byte[] buffer = new byte[4096];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new PayloadRejectedException("compressed payload is truncated");
                }
                if (out.size() + n > MAX_INFLATED_BYTES) {
                    throw new PayloadRejectedException(
                            "compressed payload inflates beyond " + MAX_INFLATED_BYTES + " bytes");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new PayloadRejectedException("compressed payload is not deflate data: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }
}
