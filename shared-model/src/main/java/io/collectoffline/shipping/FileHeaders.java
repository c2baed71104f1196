package io.collectoffline.shipping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.protocol.KeyRegistration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The header lines of the two file kinds ({@link ChecksummedFile}), as records: what an export file says about
 * itself, and what the importer's receipt answers. Written and read only through here, on every node that writes or
 * reads them (a laptop's and a server's export, a server's import, both sides' receipts).
 */
public final class FileHeaders {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private FileHeaders() {}

    /**
     * An export file's header.
     *
     * @param node the exporting node (a laptop's device id or a server's node id)
     * @param batchId this file's id
     * @param previousBatchId the exporter's previous file, null for its first: importers see a missing one
     * @param count the transactions in the body
     * @param created when it was written (RFC 3339)
     * @param registrations the producers' signing keys, as written; the importer reads them with its own checks
     */
    public record Export(
            String node, UUID batchId, UUID previousBatchId, long count, String created, JsonNode registrations) {

        public static Export of(
                String node,
                UUID batchId,
                UUID previousBatchId,
                long count,
                String created,
                List<KeyRegistration> registrations) {
            return new Export(node, batchId, previousBatchId, count, created, JSON.valueToTree(registrations));
        }

        /** The header of a verified export file; a value it cannot use is null (count: -1). */
        public static Export read(JsonNode header) {
            return new Export(
                    header.path("node").asText(null),
                    uuid(header.path("batchId")),
                    uuid(header.path("previousBatchId")),
                    header.path("count").asLong(-1),
                    header.path("created").asText(null),
                    header.path("registrations"));
        }

        public ObjectNode toJson() {
            ObjectNode header = JsonNodeFactory.instance.objectNode();
            header.put("format", ChecksummedFile.EXPORT_FORMAT);
            header.put("node", node);
            header.put("batchId", batchId.toString());
            header.put("previousBatchId", previousBatchId == null ? null : previousBatchId.toString());
            header.put("count", count);
            header.put("created", created);
            header.set("registrations", registrations);
            return header;
        }
    }

    /**
     * A transaction of the file the importer refused, and why.
     *
     * @param type the refusal's problem type when it has one ({@link
     *     io.collectoffline.protocol.TransactionResult#SEQ_TAKEN}: the exporter's stream diverged, it re-issues);
     *     absent in receipts of older importers
     */
    public record Refused(UUID txId, String reason, String type) {

        public Refused(UUID txId, String reason) {
            this(txId, reason, null);
        }
    }

    /**
     * A receipt's header: what the importer made of one export file.
     *
     * @param batchId the export file it answers
     * @param exporter the node that wrote that file
     * @param importer the node that imported it
     * @param importedAt when (RFC 3339)
     * @param transactions the transactions the file held
     * @param accepted stored now
     * @param duplicate stored before
     * @param rejected refused, each with its reason
     * @param accounts for a laptop's file, the account list people log in with, as the server signed it
     *                 ({@code AccountList} as JSON; the laptop checks it as any carried list); else null
     */
    public record Receipt(
            UUID batchId,
            String exporter,
            String importer,
            String importedAt,
            long transactions,
            long accepted,
            long duplicate,
            List<Refused> rejected,
            JsonNode accounts) {

        public Receipt {
            rejected = List.copyOf(rejected);
        }

        /**
         * The header of a verified receipt; a count it lacks is -1.
         *
         * @throws ChecksummedFile.UnusableFileException when a refusal names no transaction
         */
        public static Receipt read(JsonNode header) {
            List<Refused> rejected = new ArrayList<>();
            for (JsonNode refusal : header.path("rejected")) {
                UUID txId = uuid(refusal.path("txId"));
                if (txId == null) {
                    throw new ChecksummedFile.UnusableFileException("a refusal in the receipt names no transaction");
                }
                rejected.add(new Refused(
                        txId,
                        refusal.path("reason").asText("refused by the importer"),
                        refusal.path("type").asText(null)));
            }
            return new Receipt(
                    uuid(header.path("batchId")),
                    header.path("exporter").asText(null),
                    header.path("importer").asText(null),
                    header.path("importedAt").asText(null),
                    header.path("transactions").asLong(-1),
                    header.path("accepted").asLong(-1),
                    header.path("duplicate").asLong(-1),
                    rejected,
                    header.path("accounts").isObject() ? header.path("accounts") : null);
        }

        public ObjectNode toJson() {
            ObjectNode header = JsonNodeFactory.instance.objectNode();
            header.put("format", ChecksummedFile.RECEIPT_FORMAT);
            header.put("batchId", batchId.toString());
            header.put("exporter", exporter);
            header.put("importer", importer);
            header.put("importedAt", importedAt);
            header.put("transactions", transactions);
            header.put("accepted", accepted);
            header.put("duplicate", duplicate);
            ArrayNode refusals = header.putArray("rejected");
            for (Refused refused : rejected) {
                ObjectNode refusal = refusals.addObject()
                        .put("txId", refused.txId().toString())
                        .put("reason", refused.reason());
                if (refused.type() != null) {
                    refusal.put("type", refused.type());
                }
            }
            if (accounts != null) {
                header.set("accounts", accounts);
            }
            return header;
        }
    }

    private static UUID uuid(JsonNode node) {
        try {
            return node == null || !node.isTextual() ? null : UUID.fromString(node.asText());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
