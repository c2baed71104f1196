package io.collectoffline.shipping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * The file layout shared by export files and receipts, written by servers and laptops alike: a JSON header line,
 * JSON body lines, and a last line {@code {"sha256": …}} over every byte before it. A file without that line is
 * truncated; a different digest means it was altered or damaged. Either way nothing of it is used.
 */
public final class ChecksummedFile {

    /** Format name in export file headers (a server's or a laptop's). */
    public static final String EXPORT_FORMAT = "collect-offline-export/1";
    /** Format name in receipt headers. */
    public static final String RECEIPT_FORMAT = "collect-offline-receipt/1";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChecksummedFile() {}

    /** A file that cannot be used as it is; it goes to quarantine with this reason. */
    public static final class UnusableFileException extends RuntimeException {
        public UnusableFileException(String message) {
            super(message);
        }
    }

    /** Appends the checksum line over everything {@code body} wrote. */
    public static void write(Path target, JsonNode header, Consumer<LineWriter> body) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        MessageDigest digest = sha256();
        try (OutputStream out = Files.newOutputStream(temp)) {
            LineWriter lines = line -> {
                byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
                digest.update(bytes);
                try {
                    out.write(bytes);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            lines.write(JSON.writeValueAsString(header));
            body.accept(lines);
            out.write(("{\"sha256\":\"" + HexFormat.of().formatHex(digest.digest()) + "\"}\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes one line. */
    public interface LineWriter {
        void write(String line);
    }

    /**
     * Checks the checksum line and returns the header; then {@link #body} reads the lines in between.
     *
     * @throws UnusableFileException when the file is truncated, not UTF-8 text, or its digest differs
     */
    public static JsonNode verify(Path file, String format) throws IOException {
        String header = null;
        String last = null;
        long lines = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            // the digest covers every line but the last, each with its "\n"
            MessageDigest covered = sha256();
            String line;
            String previous = null;
            while ((line = in.readLine()) != null) {
                if (previous != null) {
                    covered.update((previous + "\n").getBytes(StandardCharsets.UTF_8));
                }
                if (header == null) {
                    header = line;
                }
                previous = line;
                lines++;
            }
            last = previous;
            if (lines < 2 || last == null || !last.startsWith("{\"sha256\":")) {
                throw new UnusableFileException("truncated: the last line is not the checksum line");
            }
            JsonNode checksum = parse(last, "checksum line");
            if (!HexFormat.of()
                    .formatHex(covered.digest())
                    .equals(checksum.path("sha256").asText())) {
                throw new UnusableFileException("corrupt: SHA-256 differs from the checksum line");
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UnusableFileException("not a text file of ours: line " + (lines + 1) + " is not UTF-8");
        }
        JsonNode parsed = parse(header, "header");
        if (!format.equals(parsed.path("format").asText())) {
            throw new UnusableFileException("not a " + format + " file (format '"
                    + parsed.path("format").asText() + "')");
        }
        return parsed;
    }

    /**
     * The header of a file of {@code format}, read without checking the file ({@link #verify} checks it): null when
     * the first line cannot be read or is no header of that format.
     */
    public static JsonNode header(Path file, String format) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonNode header = parse(in.readLine(), "header");
            return format.equals(header.path("format").asText()) ? header : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The body lines of a verified file, parsed, one at a time. */
    public static void body(Path file, Consumer<JsonNode> each) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            String line = in.readLine();
            String next;
            while (line != null && (next = in.readLine()) != null) {
                each.accept(parse(line, "body line"));
                line = next;
            }
            if (header == null) {
                throw new UnusableFileException("empty");
            }
        }
    }

    private static JsonNode parse(String line, String what) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UnusableFileException("corrupt: the " + what + " is not JSON");
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
