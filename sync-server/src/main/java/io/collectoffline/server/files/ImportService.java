package io.collectoffline.server.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.protocol.DeviceId;
import io.collectoffline.protocol.KeyRegistration;
import io.collectoffline.protocol.TransactionResult;
import io.collectoffline.protocol.TransactionStatus;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.config.ServerConfig;
import io.collectoffline.server.devices.DeviceNotFoundException;
import io.collectoffline.server.devices.DeviceService;
import io.collectoffline.server.ingest.BatchParser;
import io.collectoffline.server.ingest.BatchParser.Candidate;
import io.collectoffline.server.ingest.BatchParser.ParsedBatch;
import io.collectoffline.server.ingest.IngestService;
import io.collectoffline.server.users.UserService;
import io.collectoffline.shipping.ChecksummedFile;
import io.collectoffline.shipping.FileHeaders;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Imports an export file through the same path as REST ingest (same checks, same once-per-txId storage, same
 * apply), then writes the receipt that closes the loop on the exporter. A file whose checksum fails is used not at
 * all; importing a file again is harmless (every transaction is answered DUPLICATE); files may arrive in any order
 * (per-producer seq order makes apply safe), and a missing predecessor is only reported.
 */
@ApplicationScoped
public class ImportService {

    private static final int CHUNK = 1000;

    private final ServerConfig config;
    private final ActiveDatabase database;
    private final BatchParser parser;
    private final IngestService ingest;
    private final DeviceService devices;
    private final UserService users;
    private final ObjectMapper json;
    private volatile String progress;

    ImportService(
            ServerConfig config,
            ActiveDatabase database,
            BatchParser parser,
            IngestService ingest,
            DeviceService devices,
            UserService users,
            ObjectMapper json) {
        this.devices = devices;
        this.users = users;
        this.json = json;
        this.config = config;
        this.database = database;
        this.parser = parser;
        this.ingest = ingest;
    }

    /**
     * How an import went.
     *
     * @param batchId         the file's batch
     * @param exporter        the node that wrote it
     * @param transactions    lines in it
     * @param accepted        stored now
     * @param duplicate       already stored (a re-import, or the same transaction by another route)
     * @param rejected        refused (each listed in the receipt with its reason)
     * @param missingPrevious the previous batch it names, when this server has not imported that one
     * @param receipt         the receipt file written for the exporter
     */
    public record ImportReport(
            UUID batchId,
            String exporter,
            int transactions,
            int accepted,
            int duplicate,
            int rejected,
            UUID missingPrevious,
            String receipt) {}

    public String progress() {
        return progress;
    }

    /**
     * Whether this database knows the import of export {@code batchId}. An archived file it does not know was
     * imported after the backup this database was restored from.
     */
    public boolean knows(UUID batchId) {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM import_batch WHERE batch_id = ?")) {
            ps.setObject(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the imports failed", e);
        }
    }

    /**
     * The batch id an export file's header line names, read without checking the file (null when the first line is
     * no export header); {@link #importFile} checks the whole file.
     */
    public UUID batchIdOf(Path file) {
        JsonNode header = ChecksummedFile.header(file, ChecksummedFile.EXPORT_FORMAT);
        try {
            return header == null ? null : FileHeaders.Export.read(header).batchId();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Imports a file.
     *
     * @throws ChecksummedFile.UnusableFileException when it is truncated, corrupt or not an export file
     */
    public synchronized ImportReport importFile(Path file, String name) throws IOException {
        long started = System.nanoTime();
        FileHeaders.Export header =
                FileHeaders.Export.read(ChecksummedFile.verify(file, ChecksummedFile.EXPORT_FORMAT));
        UUID batchId = header.batchId();
        String exporter = header.node();
        if (batchId == null || !DeviceId.isValid(exporter)) {
            throw new ChecksummedFile.UnusableFileException("the header names no valid batch id or exporting node");
        }
        UUID previous = header.previousBatchId();
        // the producers' signing keys, vouched for by the exporting server; an admin chose to import its file
        List<KeyRegistration> registrations = BatchParser.registrations(header.registrations());
        int[] counts = new int[4];
        List<FileHeaders.Refused> refusals = new ArrayList<>();
        List<Candidate> chunk = new ArrayList<>(CHUNK);
        ChecksummedFile.body(file, line -> {
            Candidate candidate = parser.transaction(line);
            counts[0]++;
            if (candidate == null) {
                counts[3]++;
                return;
            }
            chunk.add(candidate);
            if (chunk.size() == CHUNK) {
                store(batchId, exporter, registrations, chunk, counts, refusals);
                progress = "importing " + name + ": " + counts[0] + " of " + header.count();
                if (counts[0] % 10_000 == 0) {
                    Log.infof("Import %s: %d of %d transactions", name, counts[0], header.count());
                }
            }
        });
        store(batchId, exporter, registrations, chunk, counts, refusals);
        progress = null;
        if (counts[0] != header.count()) {
            Log.warnf("Import %s: the header says %d transactions, the file holds %d", name, header.count(), counts[0]);
        }
        boolean missing = record(batchId, exporter, previous, name, counts);
        Path receipt = writeReceipt(batchId, exporter, counts, refusals);
        Log.infof(
                "Imported %s from %s (batch %s): %d transactions, %d accepted, %d duplicate, %d rejected%s, in %d ms;"
                        + " receipt %s",
                name,
                exporter,
                batchId,
                counts[0],
                counts[1],
                counts[2],
                counts[3],
                missing ? ", previous batch " + previous + " NOT imported yet" : "",
                (System.nanoTime() - started) / 1_000_000,
                receipt);
        return new ImportReport(
                batchId,
                exporter,
                counts[0],
                counts[1],
                counts[2],
                counts[3],
                missing ? previous : null,
                receipt.toString());
    }

    private void store(
            UUID batchId,
            String exporter,
            List<KeyRegistration> registrations,
            List<Candidate> chunk,
            int[] counts,
            List<FileHeaders.Refused> refusals) {
        if (chunk.isEmpty()) {
            return;
        }
        for (TransactionResult result :
                ingest.ingest(new ParsedBatch(batchId, exporter, List.copyOf(chunk), registrations), exporter)) {
            if (result.status() == TransactionStatus.ACCEPTED) {
                counts[1]++;
            } else if (result.status() == TransactionStatus.DUPLICATE) {
                counts[2]++;
            } else {
                counts[3]++;
                refusals.add(new FileHeaders.Refused(result.txId(), result.reason(), result.type()));
            }
        }
        chunk.clear();
    }

    /**
     * Records the import; returns whether its predecessor is missing. A file imported again keeps the row of its
     * first import (what it brought then) and counts the re-import, with its time.
     */
    private boolean record(UUID batchId, String exporter, UUID previous, String name, int[] counts) {
        database.inTransaction("recording import " + batchId, c -> {
            try (PreparedStatement again = c.prepareStatement("UPDATE import_batch SET reimports = reimports + 1, "
                            + "last_reimported_at = ? WHERE batch_id = ?");
                    PreparedStatement insert = c.prepareStatement("INSERT INTO import_batch (batch_id, exporter, "
                            + "previous_batch_id, file_name, transactions, accepted, duplicate, rejected, imported_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                again.setObject(1, OffsetDateTime.now(ZoneOffset.UTC));
                again.setObject(2, batchId);
                if (again.executeUpdate() == 0) {
                    insert.setObject(1, batchId);
                    insert.setString(2, exporter);
                    insert.setObject(3, previous);
                    insert.setString(4, name.length() <= 200 ? name : name.substring(0, 200));
                    insert.setInt(5, counts[0]);
                    insert.setInt(6, counts[1]);
                    insert.setInt(7, counts[2]);
                    insert.setInt(8, counts[3]);
                    insert.setObject(9, OffsetDateTime.now(ZoneOffset.UTC));
                    insert.executeUpdate();
                }
            }
            return null;
        });
        if (previous == null) {
            return false;
        }
        try (Connection c = database.dataSource().getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM import_batch WHERE batch_id = ?")) {
                ps.setObject(1, previous);
                try (ResultSet rs = ps.executeQuery()) {
                    return !rs.next();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("recording import " + batchId + " failed", e);
        }
    }

    /**
     * For a field laptop's or middleman's file, the account list people log in with, as the server signed it: the
     * receipt carries it back to a laptop that may never reach the server (it takes it when newer than its own).
     */
    private com.fasterxml.jackson.databind.JsonNode laptopAccounts(String exporter) {
        try {
            return devices.get(exporter).logsPeopleIn() ? json.valueToTree(users.laptopAccounts()) : null;
        } catch (DeviceNotFoundException e) {
            return null; // a file of a node not enrolled here (another server's)
        }
    }

    private Path writeReceipt(UUID batchId, String exporter, int[] counts, List<FileHeaders.Refused> refusals)
            throws IOException {
        FileHeaders.Receipt header = new FileHeaders.Receipt(
                batchId,
                exporter,
                config.nodeId(),
                io.collectoffline.protocol.Rfc3339.format(OffsetDateTime.now(ZoneOffset.UTC)),
                counts[0],
                counts[1],
                counts[2],
                refusals,
                laptopAccounts(exporter));
        Path receipt = Folders.of(config).receipts().resolve(exporter + "-" + batchId + ".receipt");
        ChecksummedFile.write(receipt, header.toJson(), lines -> {});
        return receipt;
    }
}
