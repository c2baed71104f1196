package io.collectoffline.client.files;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.client.downsync.DownSyncService;
import io.collectoffline.client.identity.NodeIdentity;
import io.collectoffline.client.outbox.OutboxService;
import io.collectoffline.client.records.InvalidRecordException;
import io.collectoffline.protocol.AccountList;
import io.collectoffline.protocol.InvalidInputException;
import io.collectoffline.protocol.Problem.FieldError;
import io.collectoffline.protocol.Rfc3339;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.protocol.TransactionResult;
import io.collectoffline.shipping.ChecksummedFile;
import io.collectoffline.shipping.FileHeaders;
import io.collectoffline.shipping.FileLink;
import io.collectoffline.shipping.ShipObserver;
import io.collectoffline.shipping.Shipper;
import io.collectoffline.shipping.ShippingQueue.Position;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Writes the laptop's pending outbox into an export file (the same format as a server's, so a server imports it by
 * the same path, checks and quarantine), and takes the server's receipt back. Exporting marks nothing delivered; a
 * receipt marks delivered what the server stored of that file and refused what it refused, with the reason.
 */
@ApplicationScoped
public class FileExportService {

    private static final int PAGE = 1000;

    private final ClientConfig config;
    private final OutboxService outbox;
    private final NodeIdentity identity;
    private final AgroalDataSource dataSource;
    private final ObjectMapper json;
    private final DownSyncService downsync;

    FileExportService(
            ClientConfig config,
            OutboxService outbox,
            NodeIdentity identity,
            AgroalDataSource dataSource,
            ObjectMapper json,
            DownSyncService downsync) {
        this.downsync = downsync;
        this.config = config;
        this.outbox = outbox;
        this.identity = identity;
        this.dataSource = dataSource;
        this.json = json;
    }

    /**
     * How an export went.
     *
     * @param batchId      the file's batch id; absent when there was nothing to export
     * @param file         the file written, to copy onto the stick
     * @param transactions how many it carries
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ExportReport(UUID batchId, String file, Integer transactions) {}

    /**
     * How a receipt was taken.
     *
     * @param batchId   the export it closes
     * @param importer  the server that imported the file
     * @param delivered transactions now marked delivered
     * @param rejected  transactions the server refused (kept, with the reason, and re-sent later like any refusal)
     * @param reissued  this laptop's pending transactions re-issued on a new stream: the server holds their seqs
     *                  with other changes (this laptop was restored from a backup, reinstalled or cloned)
     */
    public record ReceiptReport(UUID batchId, String importer, int delivered, int rejected, int reissued) {}

    /** An export file of this laptop and whether its receipt came back. */
    public record ExportFile(
            UUID batchId,
            String file,
            int transactions,
            OffsetDateTime created,
            OffsetDateTime receiptAt,
            Integer delivered,
            Integer rejected) {}

    /**
     * Exports the pending transactions in no earlier export ({@code includeUnconfirmed}: also those in exports whose
     * receipt never came back, e.g. a lost stick), at most one file's worth, into {@code files/outgoing/}.
     */
    public synchronized ExportReport export(boolean includeUnconfirmed) throws IOException {
        // what a receipt (or a push) refused goes again once resend-rejected-after passed, as a push sends it: a
        // laptop that travels only by file has no push to do it
        outbox.requeueRejected(config.push().resendRejectedAfter());
        Path outgoing = folder("outgoing");
        UUID batchId = UUID.randomUUID();
        OffsetDateTime created = OffsetDateTime.now(ZoneOffset.UTC);
        String name = identity.device() + "-" + created.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
                + batchId.toString().substring(0, 8) + ".colx";
        try (FileLink file = FileLink.open(outgoing, json, config.files().maxTransactionsPerFile())) {
            // a pass of the engine to the file: the outbox in producer and seq order, in pages; the file answers
            // nothing, its receipt marks the transactions delivered later (ADR 13)
            Shipper.ship(
                    file.queue((after, count) -> pending(after, count, includeUnconfirmed)),
                    file,
                    PAGE,
                    new ShipObserver() {});
            List<UUID> txIds = List.copyOf(file.txIds());
            if (txIds.isEmpty()) {
                return new ExportReport(null, null, 0);
            }
            UUID previous = previousExport();
            // this laptop's signing key with its proof: the server that enrolled it checks every signature
            Path target = outgoing.resolve(name);
            file.finish(
                    target,
                    FileHeaders.Export.of(
                            identity.device(),
                            batchId,
                            previous,
                            txIds.size(),
                            Rfc3339.format(created),
                            outbox.registrationsFor(file.producers())));
            record(batchId, previous, name, txIds, created);
            Log.infof(
                    "Exported %d pending transactions to %s (delivered only when its receipt comes back)",
                    txIds.size(), target);
            return new ExportReport(batchId, target.toString(), txIds.size());
        }
    }

    /**
     * The next pending transactions after {@code after}, at most {@code count}, without those an earlier export
     * carries whose receipt has not come back (unless {@code includeUnconfirmed}); reads on past pages that hold only
     * such, so an empty answer means the outbox has no more.
     */
    private List<TransactionEnvelope> pending(Position after, int count, boolean includeUnconfirmed) {
        List<TransactionEnvelope> found = new ArrayList<>();
        Position from = after;
        while (found.size() < count) {
            List<TransactionEnvelope> page = outbox.nextBatch(from, PAGE, Integer.MAX_VALUE);
            if (page.isEmpty()) {
                break;
            }
            Set<UUID> skip = includeUnconfirmed ? Set.of() : inUnconfirmedExports(page);
            for (TransactionEnvelope tx : page) {
                if (!skip.contains(tx.txId()) && found.size() < count) {
                    found.add(tx);
                }
            }
            from = Position.after(page.get(page.size() - 1));
        }
        return found;
    }

    /**
     * Takes the importing server's receipt: what it stored of the file is delivered, what it refused is refused
     * with its reason. A receipt for another laptop, for no export of this one, or that does not account for every
     * transaction of the file is refused whole: nothing is marked.
     */
    public synchronized ReceiptReport takeReceipt(Path file) throws IOException {
        FileHeaders.Receipt header =
                FileHeaders.Receipt.read(ChecksummedFile.verify(file, ChecksummedFile.RECEIPT_FORMAT));
        UUID batchId = header.batchId();
        if (batchId == null) {
            throw new ChecksummedFile.UnusableFileException("the receipt names no batch");
        }
        if (!identity.device().equals(header.exporter())) {
            throw refused(
                    "exporter",
                    "this receipt is for " + header.exporter() + "'s file, not one of this laptop (" + identity.device()
                            + ")");
        }
        List<UUID> carried = carried(batchId);
        if (carried.isEmpty()) {
            throw refused("batchId", "this laptop exported no batch " + batchId);
        }
        Map<UUID, String> refusals = new LinkedHashMap<>();
        List<UUID> seqTaken = new ArrayList<>();
        for (FileHeaders.Refused refusal : header.rejected()) {
            refusals.put(refusal.txId(), refusal.reason());
            if (TransactionResult.SEQ_TAKEN.equals(refusal.type())) {
                seqTaken.add(refusal.txId());
            }
        }
        long answered = header.accepted() + header.duplicate() + refusals.size();
        if (answered != carried.size() || !new HashSet<>(carried).containsAll(refusals.keySet())) {
            throw refused(
                    "rejected",
                    "the receipt accounts for " + answered + " transactions, the file carried " + carried.size()
                            + ": not every one is answered by txId, so none is marked");
        }
        List<UUID> stored =
                carried.stream().filter(txId -> !refusals.containsKey(txId)).toList();
        int delivered = outbox.delivered(stored, "RECEIPT");
        String importer = header.importer() == null ? "the server" : header.importer();
        // the server holds those seqs of this laptop's own streams with other changes (restored from a backup,
        // reinstalled, cloned): re-issued on a new stream, as after a push (README, Guarantees 8), never refused
        Set<UUID> diverged = outbox.ownPending(seqTaken);
        int reissued = 0;
        for (OutboxService.Reissue reissue : outbox.recoverFromSeqTaken(List.copyOf(diverged))) {
            reissued += reissue.reissued();
        }
        for (Map.Entry<UUID, String> refusal : refusals.entrySet()) {
            if (!diverged.contains(refusal.getKey())) {
                outbox.reject(refusal.getKey(), "refused by " + importer + " (file import): " + refusal.getValue());
            }
        }
        update(
                "UPDATE file_export SET receipt_at = ?, receipt_delivered = ?, receipt_rejected = ? WHERE batch_id = ?",
                OffsetDateTime.now(ZoneOffset.UTC),
                stored.size(),
                refusals.size(),
                batchId);
        Path archive = folder("receipts");
        Files.copy(file, archive.resolve(batchId + ".receipt"), StandardCopyOption.REPLACE_EXISTING);
        Log.infof(
                "Receipt from %s for export %s: %d delivered now, %d refused, %d re-issued on a new stream",
                importer, batchId, delivered, refusals.size() - diverged.size(), reissued);
        takeAccounts(header);
        return new ReceiptReport(batchId, importer, delivered, refusals.size() - diverged.size(), reissued);
    }

    /**
     * The account list a receipt carries back (a laptop that only meets the server by file): taken as any carried
     * list — signed by this laptop's server and newer than the one it holds — or left, said why; the receipt counts
     * either way.
     */
    private void takeAccounts(FileHeaders.Receipt header) {
        if (header.accounts() == null) {
            return;
        }
        try {
            downsync.receiveCarriedAccounts(json.treeToValue(header.accounts(), AccountList.class));
        } catch (InvalidRecordException | com.fasterxml.jackson.core.JsonProcessingException e) {
            Log.warnf("The account list in the receipt was not taken: %s", e.getMessage());
        }
    }

    /** This laptop's export files, newest first (at most {@code limit}). */
    public List<ExportFile> exports(int limit) {
        List<ExportFile> files = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT batch_id, file_name, transactions, created, "
                        + "receipt_at, receipt_delivered, receipt_rejected FROM file_export ORDER BY created DESC "
                        + "LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    files.add(new ExportFile(
                            rs.getObject(1, UUID.class),
                            rs.getString(2),
                            rs.getInt(3),
                            rs.getObject(4, OffsetDateTime.class),
                            rs.getObject(5, OffsetDateTime.class),
                            (Integer) rs.getObject(6),
                            (Integer) rs.getObject(7)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("listing export files failed", e);
        }
        return files;
    }

    private Set<UUID> inUnconfirmedExports(List<TransactionEnvelope> page) {
        Set<UUID> exported = new HashSet<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM file_export_tx t JOIN file_export e "
                        + "ON e.batch_id = t.batch_id WHERE e.receipt_at IS NULL AND t.tx_id = ?")) {
            for (TransactionEnvelope tx : page) {
                ps.setObject(1, tx.txId());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        exported.add(tx.txId());
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading earlier exports failed", e);
        }
        return exported;
    }

    /** Records the file and what it carries, in one database transaction. */
    private void record(UUID batchId, UUID previous, String name, List<UUID> txIds, OffsetDateTime created) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement file = c.prepareStatement("INSERT INTO file_export (batch_id, previous_batch_id, "
                            + "file_name, transactions, created) VALUES (?, ?, ?, ?, ?)");
                    PreparedStatement carried =
                            c.prepareStatement("INSERT INTO file_export_tx (batch_id, tx_id) VALUES (?, ?)")) {
                file.setObject(1, batchId);
                file.setObject(2, previous);
                file.setString(3, name);
                file.setInt(4, txIds.size());
                file.setObject(5, created);
                file.executeUpdate();
                for (UUID txId : txIds) {
                    carried.setObject(1, batchId);
                    carried.setObject(2, txId);
                    carried.addBatch();
                }
                carried.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("recording export " + batchId + " failed", e);
        }
    }

    private UUID previousExport() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT batch_id FROM file_export ORDER BY created DESC " + "LIMIT 1");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getObject(1, UUID.class) : null;
        } catch (SQLException e) {
            throw new IllegalStateException("reading the last export failed", e);
        }
    }

    private List<UUID> carried(UUID batchId) {
        List<UUID> txIds = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT tx_id FROM file_export_tx WHERE batch_id = ?")) {
            ps.setObject(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    txIds.add(rs.getObject(1, UUID.class));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading export " + batchId + " failed", e);
        }
        return txIds;
    }

    private void update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("updating the export files failed", e);
        }
    }

    private Path folder(String name) throws IOException {
        Path folder = Path.of(config.files().dir()).resolve(name);
        Files.createDirectories(folder);
        return folder;
    }

    private static InvalidInputException refused(String field, String message) {
        return new InvalidInputException(
                "Receipt not for this laptop's export", List.of(new FieldError(field, message)));
    }
}
