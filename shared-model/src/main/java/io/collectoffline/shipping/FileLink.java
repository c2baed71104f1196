package io.collectoffline.shipping;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.TransactionEnvelope;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * An export file as the engine's next hop (ADR 13): a pass of {@link Shipper} writes what it sends into the file's
 * body, one JSON line per transaction, up to the file's size. A file answers nothing at once — it holds nothing
 * before it is written and marks nothing delivered — so every transaction stays pending; the importer's receipt
 * answers each by txId later. Both export writers use it: a laptop's outbox and a server's forward queue.
 */
public final class FileLink implements Link, Closeable {

    private final Path body;
    private final BufferedWriter out;
    private final ObjectMapper json;
    private final int max;
    private final List<UUID> txIds = new ArrayList<>();
    private final Set<String> producers = new TreeSet<>();

    private FileLink(Path body, ObjectMapper json, int max) throws IOException {
        this.body = body;
        this.out = Files.newBufferedWriter(body);
        this.json = json;
        this.max = max;
    }

    /** A new file's body in {@code folder} (a hidden temporary file) that takes at most {@code max} transactions. */
    public static FileLink open(Path folder, ObjectMapper json, int max) throws IOException {
        if (max < 1) {
            throw new IllegalArgumentException("a file takes at least one transaction, got " + max);
        }
        return new FileLink(Files.createTempFile(folder, ".body-", ".tmp"), json, max);
    }

    /** A file holds nothing before it is written. */
    @Override
    public long watermark(String producer) {
        return 0;
    }

    @Override
    public List<UUID> held(String producer, List<UUID> txIds) {
        return List.of();
    }

    /** Writes {@code batch} into the body; no answer yet (the receipt answers). */
    @Override
    public BatchResult send(List<TransactionEnvelope> batch) {
        if (batch.size() > room()) {
            throw new IllegalStateException("the file has room for " + room() + " more, not " + batch.size());
        }
        try {
            for (TransactionEnvelope tx : batch) {
                out.write(json.writeValueAsString(tx));
                out.write('\n');
                txIds.add(tx.txId());
                producers.add(tx.producer());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing the export file's body failed", e);
        }
        return new BatchResult(null, List.of());
    }

    /** How many more transactions the file takes: a queue hands out no more than that. */
    public int room() {
        return max - txIds.size();
    }

    /** What the file carries, in the order written. */
    public List<UUID> txIds() {
        return Collections.unmodifiableList(txIds);
    }

    /** The producers of what it carries (their signing keys go into the header). */
    public Set<String> producers() {
        return Collections.unmodifiableSet(producers);
    }

    /** How an export reads the pending transactions after a position, at most so many. */
    @FunctionalInterface
    public interface Reader {
        List<TransactionEnvelope> read(ShippingQueue.Position after, int maxCount);
    }

    /**
     * The exporter's pending transactions as the engine's queue for this file: read through {@code reader}, never
     * more than the file has room for; the file answers nothing, so nothing is marked (the receipt marks).
     */
    public ShippingQueue queue(Reader reader) {
        return new ShippingQueue() {
            @Override
            public long pending() {
                return 0;
            }

            @Override
            public List<String> producers() {
                return List.of(); // a file holds nothing before it is written: nothing to confirm as held
            }

            @Override
            public List<Pending> pendingUpTo(String producer, long afterSeq, long upTo, int limit) {
                return List.of();
            }

            @Override
            public int markHeld(List<UUID> txIds) {
                return 0;
            }

            @Override
            public List<TransactionEnvelope> next(Position after, int maxCount) {
                int count = Math.min(maxCount, room());
                return count < 1 ? List.of() : reader.read(after, count);
            }

            @Override
            public Recorded record(
                    List<TransactionEnvelope> batch, List<io.collectoffline.protocol.TransactionResult> results) {
                return new Recorded(0, 0, 0, false);
            }

            @Override
            public void refuse(TransactionEnvelope tx, String reason) {
                throw new IllegalStateException("a file refuses nothing: " + reason);
            }
        };
    }

    /** Writes the export file at {@code target}: {@code header}, the body, the checksum line. */
    public void finish(Path target, FileHeaders.Export header) throws IOException {
        out.close();
        ChecksummedFile.write(target, header.toJson(), lines -> {
            try (var in = Files.newBufferedReader(body)) {
                in.lines().forEach(lines::write);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Drops the body (the file, if finished, stands on its own). */
    @Override
    public void close() throws IOException {
        out.close();
        Files.deleteIfExists(body);
    }
}
