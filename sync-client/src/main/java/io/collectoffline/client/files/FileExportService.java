package io.collectoffline.client.files;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.client.capture.CaptureInstaller;
import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.client.outbox.OutboxService;
import io.collectoffline.protocol.InvalidInputException;
import io.collectoffline.protocol.Problem.FieldError;
import io.collectoffline.protocol.Rfc3339;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.shipping.ChecksummedFile;
import io.collectoffline.shipping.ShippingQueue.Position;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
    private final CaptureInstaller capture;
    private final EntityManager em;
    private final ObjectMapper json;

    FileExportService(ClientConfig config, OutboxService outbox, CaptureInstaller capture, EntityManager em,
            ObjectMapper json) {
        this.config = config;
        this.outbox = outbox;
        this.capture = capture;
        this.em = em;
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
    public record ExportReport(UUID batchId, String file, Integer transactions) {
    }

    /**
     * How a receipt was taken.
     *
     * @param batchId   the export it closes
     * @param importer  the server that imported the file
     * @param delivered transactions now marked delivered
     * @param rejected  transactions the server refused (kept, with the reason, and re-sent later like any refusal)
     */
    public record ReceiptReport(UUID batchId, String importer, int delivered, int rejected) {
    }

    /** An export file of this laptop and whether its receipt came back. */
    public record ExportFile(UUID batchId, String file, int transactions, OffsetDateTime created,
            OffsetDateTime receiptAt, Integer delivered, Integer rejected) {
    }

    /**
     * Exports the pending transactions in no earlier export ({@code includeUnconfirmed}: also those in exports whose
     * receipt never came back, e.g. a lost stick), at most one file's worth, into {@code files/outgoing/}.
     */
    public synchronized ExportReport export(boolean includeUnconfirmed) throws IOException {
        Path outgoing = folder("outgoing");
        UUID batchId = UUID.randomUUID();
        OffsetDateTime created = OffsetDateTime.now(ZoneOffset.UTC);
        String name = capture.device() + "-" + created.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
                + batchId.toString().substring(0, 8) + ".colx";
        Path body = Files.createTempFile(outgoing, ".body-", ".tmp");
        try {
            List<UUID> txIds = writeBody(body, includeUnconfirmed);
            if (txIds.isEmpty()) {
                return new ExportReport(null, null, 0);
            }
            UUID previous = previousExport();
            ObjectNode header = JsonNodeFactory.instance.objectNode();
            header.put("format", ChecksummedFile.EXPORT_FORMAT);
            header.put("node", capture.device());
            header.put("batchId", batchId.toString());
            header.put("previousBatchId", previous == null ? null : previous.toString());
            header.put("count", txIds.size());
            header.put("created", Rfc3339.format(created));
            // this laptop's signing key with its proof: the server that enrolled it checks every signature
            header.set("registrations", json.valueToTree(outbox.registrations()));
            Path file = outgoing.resolve(name);
            ChecksummedFile.write(file, header, lines -> {
                try (var in = Files.newBufferedReader(body)) {
                    in.lines().forEach(lines::write);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            QuarkusTransaction.requiringNew().run(() -> record(batchId, previous, name, txIds, created));
            Log.infof("Exported %d pending transactions to %s (delivered only when its receipt comes back)",
                    txIds.size(), file);
            return new ExportReport(batchId, file.toString(), txIds.size());
        } finally {
            Files.deleteIfExists(body);
        }
    }

    private List<UUID> writeBody(Path body, boolean includeUnconfirmed) throws IOException {
        List<UUID> txIds = new ArrayList<>();
        int max = config.files().maxTransactionsPerFile();
        try (var out = Files.newBufferedWriter(body)) {
            Position after = Position.START;
            while (txIds.size() < max) {
                List<TransactionEnvelope> page = outbox.nextBatch(after, PAGE, Integer.MAX_VALUE);
                if (page.isEmpty()) {
                    break;
                }
                Set<UUID> skip = includeUnconfirmed ? Set.of() : inUnconfirmedExports(page);
                for (TransactionEnvelope tx : page) {
                    if (!skip.contains(tx.txId()) && txIds.size() < max) {
                        out.write(json.writeValueAsString(tx));
                        out.write('\n');
                        txIds.add(tx.txId());
                    }
                }
                after = Position.after(page.get(page.size() - 1));
            }
        }
        return txIds;
    }

    /**
     * Takes the importing server's receipt: what it stored of the file is delivered, what it refused is refused
     * with its reason. A receipt for another laptop, for no export of this one, or that does not account for every
     * transaction of the file is refused whole: nothing is marked.
     */
    public synchronized ReceiptReport takeReceipt(Path file) throws IOException {
        JsonNode header = ChecksummedFile.verify(file, ChecksummedFile.RECEIPT_FORMAT);
        UUID batchId = uuid(header.path("batchId").asText(null));
        if (batchId == null) {
            throw new ChecksummedFile.UnusableFileException("the receipt names no batch");
        }
        if (!capture.device().equals(header.path("exporter").asText())) {
            throw refused("exporter", "this receipt is for " + header.path("exporter").asText()
                    + "'s file, not one of this laptop (" + capture.device() + ")");
        }
        List<UUID> carried = QuarkusTransaction.requiringNew().call(() -> carried(batchId));
        if (carried.isEmpty()) {
            throw refused("batchId", "this laptop exported no batch " + batchId);
        }
        Map<UUID, String> refusals = new LinkedHashMap<>();
        for (JsonNode refusal : header.path("rejected")) {
            UUID txId = uuid(refusal.path("txId").asText(null));
            if (txId != null) {
                refusals.put(txId, refusal.path("reason").asText("refused by the importer"));
            }
        }
        long answered = header.path("accepted").asLong(-1) + header.path("duplicate").asLong(-1) + refusals.size();
        if (answered != carried.size() || !new HashSet<>(carried).containsAll(refusals.keySet())) {
            throw refused("rejected", "the receipt accounts for " + answered + " transactions, the file carried "
                    + carried.size() + ": not every one is answered by txId, so none is marked");
        }
        List<UUID> stored = carried.stream().filter(txId -> !refusals.containsKey(txId)).toList();
        int delivered = outbox.delivered(stored, "RECEIPT");
        String importer = header.path("importer").asText("the server");
        for (Map.Entry<UUID, String> refusal : refusals.entrySet()) {
            outbox.reject(refusal.getKey(), "refused by " + importer + " (file import): " + refusal.getValue());
        }
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("UPDATE file_export SET receipt_at = ?1, "
                + "receipt_delivered = ?2, receipt_rejected = ?3 WHERE batch_id = ?4")
                .setParameter(1, OffsetDateTime.now(ZoneOffset.UTC)).setParameter(2, stored.size())
                .setParameter(3, refusals.size()).setParameter(4, batchId).executeUpdate());
        Path archive = folder("receipts");
        Files.copy(file, archive.resolve(batchId + ".receipt"), StandardCopyOption.REPLACE_EXISTING);
        Log.infof("Receipt from %s for export %s: %d delivered now, %d refused", importer, batchId, delivered,
                refusals.size());
        return new ReceiptReport(batchId, importer, delivered, refusals.size());
    }

    /** This laptop's export files, newest first (at most {@code limit}). */
    public List<ExportFile> exports(int limit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<ExportFile> files = new ArrayList<>();
            for (Object row : em.createNativeQuery("SELECT batch_id, file_name, transactions, created, receipt_at, "
                    + "receipt_delivered, receipt_rejected FROM file_export ORDER BY created DESC")
                    .setMaxResults(limit).getResultList()) {
                Object[] r = (Object[]) row;
                files.add(new ExportFile((UUID) r[0], (String) r[1], ((Number) r[2]).intValue(), time(r[3]),
                        time(r[4]), r[5] == null ? null : ((Number) r[5]).intValue(),
                        r[6] == null ? null : ((Number) r[6]).intValue()));
            }
            return files;
        });
    }

    private Set<UUID> inUnconfirmedExports(List<TransactionEnvelope> page) {
        List<UUID> ids = page.stream().map(TransactionEnvelope::txId).toList();
        return QuarkusTransaction.requiringNew().call(() -> {
            Set<UUID> exported = new HashSet<>();
            for (Object id : em.createNativeQuery("SELECT t.tx_id FROM file_export_tx t JOIN file_export e "
                    + "ON e.batch_id = t.batch_id WHERE e.receipt_at IS NULL AND t.tx_id IN (?1)")
                    .setParameter(1, ids).getResultList()) {
                exported.add((UUID) id);
            }
            return exported;
        });
    }

    private void record(UUID batchId, UUID previous, String name, List<UUID> txIds, OffsetDateTime created) {
        em.createNativeQuery("INSERT INTO file_export (batch_id, previous_batch_id, file_name, transactions, created) "
                + "VALUES (?1, ?2, ?3, ?4, ?5)").setParameter(1, batchId).setParameter(2, previous)
                .setParameter(3, name).setParameter(4, txIds.size()).setParameter(5, created).executeUpdate();
        for (UUID txId : txIds) {
            em.createNativeQuery("INSERT INTO file_export_tx (batch_id, tx_id) VALUES (?1, ?2)")
                    .setParameter(1, batchId).setParameter(2, txId).executeUpdate();
        }
    }

    private UUID previousExport() {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<?> last = em.createNativeQuery("SELECT batch_id FROM file_export ORDER BY created DESC")
                    .setMaxResults(1).getResultList();
            return last.isEmpty() ? null : (UUID) last.get(0);
        });
    }

    private List<UUID> carried(UUID batchId) {
        List<UUID> txIds = new ArrayList<>();
        for (Object id : em.createNativeQuery("SELECT tx_id FROM file_export_tx WHERE batch_id = ?1")
                .setParameter(1, batchId).getResultList()) {
            txIds.add((UUID) id);
        }
        return txIds;
    }

    private Path folder(String name) throws IOException {
        Path folder = Path.of(config.files().dir()).resolve(name);
        Files.createDirectories(folder);
        return folder;
    }

    private static InvalidInputException refused(String field, String message) {
        return new InvalidInputException("Receipt not for this laptop's export", List.of(new FieldError(field,
                message)));
    }

    private static UUID uuid(String value) {
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static OffsetDateTime time(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof OffsetDateTime t ? t : OffsetDateTime.parse(value.toString());
    }
}
