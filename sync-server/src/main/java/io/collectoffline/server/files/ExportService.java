package io.collectoffline.server.files;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.protocol.InvalidInputException;
import io.collectoffline.protocol.Problem.FieldError;
import io.collectoffline.protocol.Rfc3339;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.config.ServerConfig;
import io.collectoffline.server.store.ForwardQueue;
import io.collectoffline.server.store.JobLock;
import io.collectoffline.shipping.ChecksummedFile;
import io.collectoffline.shipping.FileHeaders;
import io.collectoffline.shipping.FileLink;
import io.collectoffline.shipping.ShipObserver;
import io.collectoffline.shipping.Shipper;
import io.collectoffline.shipping.ShippingQueue;
import io.collectoffline.shipping.ShippingQueue.Position;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Writes export files of the transactions still to forward (DESIGN §8) into {@code files/outgoing/}, and reads the
 * importer's receipts. Exporting marks nothing delivered: only a receipt (or the upstream's watermark or answer)
 * does. Each file names the previous one, so the importer can say when one is missing.
 */
@ApplicationScoped
public class ExportService {

    private final ServerConfig config;
    private final ActiveDatabase database;
    private final ForwardQueue queue;
    private final ObjectMapper json;
    private final io.collectoffline.server.ingest.IngestService ingest;
    private volatile String progress;

    private final JobLock jobs;
    /** Transactions read from the forward queue per page while a file is written. */
    private static final int PAGE = 1000;

    ExportService(
            ServerConfig config,
            ActiveDatabase database,
            ForwardQueue queue,
            ObjectMapper json,
            io.collectoffline.server.ingest.IngestService ingest,
            JobLock jobs) {
        this.jobs = jobs;
        this.ingest = ingest;
        this.config = config;
        this.database = database;
        this.queue = queue;
        this.json = json;
    }

    /**
     * How an export went.
     *
     * @param batchId      the file's batch id (null when there was nothing to export)
     * @param file         the file written in {@code outgoing/}
     * @param transactions how many it carries
     * @param skipped      why no export was made although there may be work: another export is running (on this
     *                     or another instance of this server); absent otherwise
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ExportReport(UUID batchId, String file, int transactions, String skipped) {
        ExportReport(UUID batchId, String file, int transactions) {
            this(batchId, file, transactions, null);
        }
    }

    /**
     * How a receipt was taken.
     *
     * @param batchId   the export it closes
     * @param delivered transactions now marked forwarded
     * @param rejected  transactions the importer refused
     */
    public record ReceiptReport(UUID batchId, int delivered, int rejected) {}

    @Scheduled(
            every = "{sync.server.files.export-interval}",
            delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        export(false);
    }

    /** What an export in progress has written so far; null when none runs. */
    public String progress() {
        return progress;
    }

    /**
     * Exports the transactions not forwarded yet and in no earlier export ({@code includeUnconfirmed}: also those
     * in exports without a receipt, e.g. after a lost USB stick), at most one file's worth.
     */
    public ExportReport export(boolean includeUnconfirmed) {
        // one export at a time across every instance sharing the database: two at once would put the same
        // transactions in two files and fork the chain of previous batches
        Optional<JobLock.Held> lock = jobs.tryLock("export");
        if (lock.isEmpty()) {
            return new ExportReport(
                    null, null, 0, "another export is running (on this or another instance of this " + "server)");
        }
        try (JobLock.Held held = lock.get()) {
            return exportLocked(includeUnconfirmed);
        }
    }

    private ExportReport exportLocked(boolean includeUnconfirmed) {
        queue.requeueRefused(config.upstream().resendRejectedAfter());
        List<TransactionEnvelope> first = queue.next(Position.START, 1, !includeUnconfirmed);
        if (first.isEmpty()) {
            return new ExportReport(null, null, 0);
        }
        long started = System.nanoTime();
        UUID batchId = UUID.randomUUID();
        OffsetDateTime created = OffsetDateTime.now(ZoneOffset.UTC);
        String name = config.nodeId() + "-" + created.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
                + batchId.toString().substring(0, 8) + ".colx";
        Path outgoing = Folders.of(config).outgoing();
        List<UUID> txIds;
        try (FileLink file = FileLink.open(outgoing, json, config.files().maxTransactionsPerFile())) {
            // a pass of the engine to the file: the forward queue's transactions in producer and seq order, in
            // pages; the file answers nothing, its receipt marks them later (ADR 13)
            Shipper.ship(
                    file.queue((after, count) -> queue.next(after, count, !includeUnconfirmed)),
                    file,
                    PAGE,
                    new ShipObserver() {
                        @Override
                        public void recorded(ShippingQueue.Recorded recorded) {
                            int written = file.txIds().size();
                            progress = "exporting " + name + ": " + written + " transactions written";
                            if (written % 10_000 == 0) {
                                Log.infof("Export %s: %d transactions written", name, written);
                            }
                        }
                    });
            txIds = file.txIds();
            if (txIds.isEmpty()) {
                return new ExportReport(null, null, 0);
            }
            UUID previous = previousExport();
            // the producers' signing keys, vouched for by this server: the importer checks every signature
            file.finish(
                    outgoing.resolve(name),
                    FileHeaders.Export.of(
                            config.nodeId(),
                            batchId,
                            previous,
                            txIds.size(),
                            Rfc3339.format(created),
                            ingest.registrationsFor(file.producers())));
            txIds = List.copyOf(txIds);
            record(batchId, previous, name, txIds, created);
            Log.infof(
                    "Exported %d transactions to %s in %d ms (delivered only when its receipt comes back)",
                    txIds.size(), outgoing.resolve(name), (System.nanoTime() - started) / 1_000_000);
            return new ExportReport(batchId, outgoing.resolve(name).toString(), txIds.size());
        } catch (IOException e) {
            throw new UncheckedIOException("writing export " + name + " failed", e);
        } finally {
            progress = null;
        }
    }

    /** Takes the importer's receipt: what it stored is forwarded, what it refused is marked with its reason. */
    public ReceiptReport takeReceipt(Path file) throws IOException {
        FileHeaders.Receipt header =
                FileHeaders.Receipt.read(ChecksummedFile.verify(file, ChecksummedFile.RECEIPT_FORMAT));
        UUID batchId = header.batchId();
        if (batchId == null) {
            throw new ChecksummedFile.UnusableFileException("the receipt names no batch");
        }
        return database.inTransaction("taking the receipt of " + batchId, c -> {
            try (PreparedStatement known = c.prepareStatement("SELECT 1 FROM export_batch WHERE batch_id = ?")) {
                known.setObject(1, batchId);
                try (ResultSet rs = known.executeQuery()) {
                    if (!rs.next()) {
                        throw new InvalidInputException(
                                "Unknown export",
                                List.of(new FieldError("batchId", "this server exported no batch " + batchId)));
                    }
                }
            }
            Map<UUID, String> refusals = new LinkedHashMap<>();
            for (FileHeaders.Refused refusal : header.rejected()) {
                refusals.put(refusal.txId(), refusal.reason());
            }
            int[] marked = ForwardQueue.markByReceipt(c, batchId, refusals);
            int delivered = marked[0];
            int rejected = marked[1];
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE export_batch SET receipt_at = ?, " + "receipt_rejected = ? WHERE batch_id = ?")) {
                ps.setObject(1, now);
                ps.setInt(2, header.rejected().size());
                ps.setObject(3, batchId);
                ps.executeUpdate();
            }
            Log.infof(
                    "Receipt for export %s: %d transactions delivered, %d refused by the importer",
                    batchId, delivered, rejected);
            return new ReceiptReport(batchId, delivered, rejected);
        });
    }

    private UUID previousExport() {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT batch_id FROM export_batch ORDER BY created DESC " + "LIMIT 1");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getObject(1, UUID.class) : null;
        } catch (SQLException e) {
            throw new IllegalStateException("reading the last export failed", e);
        }
    }

    private void record(UUID batchId, UUID previous, String name, List<UUID> txIds, OffsetDateTime created) {
        database.inTransaction("recording export " + batchId, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO export_batch (batch_id, previous_batch_id, "
                    + "file_name, transactions, created) VALUES (?, ?, ?, ?, ?)")) {
                ps.setObject(1, batchId);
                ps.setObject(2, previous);
                ps.setString(3, name);
                ps.setInt(4, txIds.size());
                ps.setObject(5, created);
                ps.executeUpdate();
            }
            ForwardQueue.markExported(c, batchId, txIds);
            return null;
        });
    }
}
