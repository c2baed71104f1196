package io.collectoffline.server.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.codec.DeviceSealingKey;
import io.collectoffline.codec.DeviceSigningKey;
import io.collectoffline.codec.PayloadRejectedException;
import io.collectoffline.offline.RecordSnapshot;
import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.DeviceId;
import io.collectoffline.protocol.KeyRegistration;
import io.collectoffline.protocol.Problem.FieldError;
import io.collectoffline.protocol.ProducerId;
import io.collectoffline.protocol.StreamPosition;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.server.config.ServerConfig;
import io.collectoffline.server.model.PayloadOpener;
import io.collectoffline.server.model.ServerModels;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a batch request body within the configured bounds and checks each transaction.
 *
 * <p>What makes the whole batch unanswerable (not JSON, no batch id or sender, a transaction without a readable
 * txId, too many transactions) refuses the batch. Everything else is judged per transaction: a malformed envelope,
 * an unknown model or a payload that does not open is that transaction's REJECTED, and the others go on.
 */
@ApplicationScoped
public class BatchParser {

    /** The range a {@code capturedAt} must be in: four-digit years, as RFC 3339 renders them. */
    static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");

    static final Instant LATEST = Instant.parse("2200-01-01T00:00:00Z");

    private final ObjectMapper json;
    private final ServerConfig config;
    private final ServerModels models;
    private final PayloadOpener opener;

    BatchParser(ObjectMapper json, ServerConfig config, ServerModels models, PayloadOpener opener) {
        this.json = json;
        this.config = config;
        this.models = models;
        this.opener = opener;
    }

    /**
     * A parsed batch: its header, one candidate per transaction, in order, and the signing keys it carries (each
     * checked by ingest before the transactions: a proven or vouched key is registered, another is ignored).
     */
    public record ParsedBatch(
            UUID batchId, String sender, List<Candidate> candidates, List<KeyRegistration> registrations) {

        public ParsedBatch(UUID batchId, String sender, List<Candidate> candidates) {
            this(batchId, sender, candidates, List.of());
        }
    }

    /**
     * One transaction of a batch: either an envelope fit to store (with its content hash) or the reason it is
     * rejected, with the producer and seq it claims when they are readable (so that a refused seq is explained to
     * the admin where its producer waits for it).
     */
    public record Candidate(
            UUID txId, TransactionEnvelope envelope, String contentHash, String rejection, StreamPosition claimed) {

        /** A candidate fit to store. */
        public Candidate(UUID txId, TransactionEnvelope envelope, String contentHash) {
            this(txId, envelope, contentHash, null, new StreamPosition(envelope.producer(), envelope.seq()));
        }

        public boolean valid() {
            return rejection == null;
        }
    }

    /** Reads {@code body} (gzip when {@code contentEncoding} says so), never more than the byte limit. */
    ParsedBatch parse(InputStream body, String contentEncoding) {
        byte[] bytes = readBounded(body, contentEncoding);
        JsonNode root;
        try {
            root = json.reader()
                    .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .readTree(bytes);
        } catch (IOException e) {
            String detail = e instanceof JsonProcessingException p
                            && p.getOriginalMessage() != null
                            && p.getOriginalMessage().startsWith("Duplicate field")
                    ? "not valid JSON: " + abbreviate(p.getOriginalMessage()) + " (each key once)"
                    : "not valid JSON";
            throw new InvalidBatchException(
                    "The request body is not valid JSON", List.of(new FieldError("(body)", detail)));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidBatchException(
                    "The request body must be a batch object",
                    List.of(new FieldError("(body)", "must be a JSON object")));
        }
        List<FieldError> errors = new ArrayList<>();
        UUID batchId = uuid(root.get("batchId"));
        if (batchId == null) {
            errors.add(new FieldError("batchId", "required, a UUID"));
        }
        JsonNode senderNode = root.get("sender");
        String sender = senderNode != null && senderNode.isTextual() ? senderNode.textValue() : null;
        if (!DeviceId.isValid(sender)) {
            errors.add(new FieldError("sender", "required, a device id: " + DeviceId.DESCRIPTION));
        }
        JsonNode transactions = root.get("transactions");
        if (transactions == null || !transactions.isArray() || transactions.isEmpty()) {
            errors.add(new FieldError("transactions", "required, a non-empty array"));
        } else if (transactions.size() > config.ingest().maxTransactions()) {
            throw new BatchTooLargeException("A batch holds at most "
                    + config.ingest().maxTransactions() + " transactions; this one has " + transactions.size());
        }
        List<Candidate> candidates = new ArrayList<>();
        if (errors.isEmpty()) {
            for (int i = 0; i < transactions.size(); i++) {
                JsonNode tx = transactions.get(i);
                UUID txId = tx.isObject() ? uuid(tx.get("txId")) : null;
                if (txId == null) {
                    errors.add(new FieldError("transactions[" + i + "].txId", "required, a UUID"));
                    continue;
                }
                candidates.add(candidate(txId, tx));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidBatchException("The batch cannot be read", errors);
        }
        return new ParsedBatch(batchId, sender, candidates, registrations(root.get("registrations")));
    }

    /**
     * Checks one transaction read from elsewhere (an export file line).
     *
     * @return null when it has no readable txId (it cannot be answered by txId)
     */
    public Candidate transaction(JsonNode tx) {
        UUID txId = tx != null && tx.isObject() ? uuid(tx.get("txId")) : null;
        return txId == null ? null : candidate(txId, tx);
    }

    private Candidate candidate(UUID txId, JsonNode tx) {
        String producer = text(tx, "producer");
        if (!ProducerId.isValid(producer)) {
            return rejected(txId, tx, "producer must be " + ProducerId.DESCRIPTION);
        }
        JsonNode seqNode = tx.get("seq");
        if (seqNode == null || !seqNode.isIntegralNumber() || !seqNode.canConvertToLong() || seqNode.longValue() < 1) {
            return rejected(txId, tx, "seq must be an integer from 1 to " + Long.MAX_VALUE);
        }
        String model = text(tx, "model");
        if (model == null || !models.knows(model)) {
            return rejected(
                    txId,
                    tx,
                    "model "
                            + (model == null
                                    ? "is missing"
                                    : "'" + abbreviate(model) + "' is not an offline model of this server"));
        }
        UUID recordId = uuid(tx.get("recordId"));
        if (recordId == null) {
            return rejected(txId, tx, "recordId must be a UUID");
        }
        Action action;
        try {
            action = Action.valueOf(String.valueOf(text(tx, "action")));
        } catch (IllegalArgumentException e) {
            return rejected(txId, tx, "action must be INSERT, UPDATE or DELETE");
        }
        Instant capturedAt = null;
        String captured = text(tx, "capturedAt");
        if (captured != null) {
            try {
                capturedAt = Instant.parse(captured);
            } catch (DateTimeParseException e) {
                return rejected(txId, tx, "capturedAt must be an ISO-8601 instant");
            }
            if (capturedAt.isBefore(EARLIEST) || !capturedAt.isBefore(LATEST)) {
                // informational only, but it is stored and rendered: keep it within RFC 3339's four-digit years
                return rejected(txId, tx, "capturedAt must be from " + EARLIEST + " to before " + LATEST);
            }
        }
        String keyId = text(tx, "keyId");
        if (keyId == null || keyId.isBlank() || keyId.length() > 64) {
            return rejected(txId, tx, "keyId must be 1 to 64 characters");
        }
        String encoded = text(tx, "payload");
        byte[] payload;
        try {
            payload = encoded == null ? null : Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            return rejected(txId, tx, "payload must be base64");
        }
        if (payload == null || payload.length == 0) {
            return rejected(txId, tx, "payload is missing");
        }
        if (payload.length > config.ingest().maxPayloadBytes()) {
            return rejected(txId, tx, "payload exceeds " + config.ingest().maxPayloadBytes() + " bytes");
        }
        JsonNode siteNode = tx.get("site");
        String site = siteNode == null || siteNode.isNull() ? null : siteNode.isTextual() ? siteNode.textValue() : "";
        if (site != null && !DeviceId.isValid(site)) {
            return rejected(txId, tx, "site must be a site id: " + DeviceId.DESCRIPTION);
        }
        StreamPosition reissuedFrom = null;
        JsonNode from = tx.get("reissuedFrom");
        if (from != null && !from.isNull()) {
            String fromProducer = from.isObject() ? text(from, "producer") : null;
            JsonNode fromSeq = from.isObject() ? from.get("seq") : null;
            if (!ProducerId.isValid(fromProducer)
                    || fromSeq == null
                    || !fromSeq.isIntegralNumber()
                    || !fromSeq.canConvertToLong()
                    || fromSeq.longValue() < 1) {
                return rejected(txId, tx, "reissuedFrom must be {producer, seq} with a producer id and a seq from 1");
            }
            if (!ProducerId.deviceOf(fromProducer).equals(ProducerId.deviceOf(producer))
                    || fromProducer.equals(producer)) {
                return rejected(txId, tx, "reissuedFrom must name another stream of the same device as producer");
            }
            reissuedFrom = new StreamPosition(fromProducer, fromSeq.longValue());
        }
        String signer = text(tx, "signer");
        byte[] signature = null;
        if (signer != null || tx.has("signature")) {
            String encodedSignature = text(tx, "signature");
            try {
                signature =
                        encodedSignature == null ? null : Base64.getDecoder().decode(encodedSignature);
            } catch (IllegalArgumentException e) {
                signature = null;
            }
            if (signer == null || signer.length() != 16 || signature == null || signature.length > 128) {
                return rejected(
                        txId,
                        tx,
                        "signer and signature must come together: a 16-character key id and a " + "base64 signature");
            }
        }
        TransactionEnvelope envelope = new TransactionEnvelope(
                txId,
                producer,
                seqNode.longValue(),
                model,
                recordId,
                action,
                capturedAt,
                keyId,
                payload,
                site,
                reissuedFrom,
                signer,
                signature);
        try {
            RecordSnapshot snapshot = opener.open(envelope);
            String nul = fieldWithNul(snapshot);
            if (nul != null) {
                // PostgreSQL cannot store U+0000 in text: applying it would fail and hold the producer back
                return rejected(txId, tx, "field " + printable(nul) + " contains a NUL character (U+0000)");
            }
        } catch (io.collectoffline.codec.PayloadFromNewerAppException e) {
            // authentic, from a newer app: stored, and held DEFERRED at apply until this server is upgraded
        } catch (PayloadRejectedException e) {
            return rejected(txId, tx, e.getMessage());
        }
        return new Candidate(txId, envelope, contentHash(envelope));
    }

    /** The well-formed key registrations of a batch (at most 1000); malformed ones are left out. */
    public static List<KeyRegistration> registrations(JsonNode node) {
        List<KeyRegistration> found = new ArrayList<>();
        if (node == null || !node.isArray()) {
            return found;
        }
        for (int i = 0; i < node.size() && i < 1000; i++) {
            JsonNode r = node.get(i);
            String deviceId = r.isObject() ? text(r, "deviceId") : null;
            String keyId = r.isObject() ? text(r, "keyId") : null;
            String publicKey = r.isObject() ? text(r, "publicKey") : null;
            if (DeviceId.isValid(deviceId)
                    && keyId != null
                    && keyId.length() == 16
                    && publicKey != null
                    && publicKey.length() <= 200
                    && DeviceSigningKey.keyIdOf(publicKey).equals(keyId)) {
                String proof = text(r, "proof");
                String sealingKey = text(r, "sealingKey");
                if (sealingKey != null && !DeviceSealingKey.isPublicKey(sealingKey)) {
                    continue; // not a key a server could seal to: the registration is not taken
                }
                found.add(new KeyRegistration(
                        deviceId, keyId, publicKey, proof == null || proof.length() > 100 ? null : proof, sealingKey));
            }
        }
        return found;
    }

    private static Candidate rejected(UUID txId, JsonNode tx, String reason) {
        String producer = text(tx, "producer");
        JsonNode seq = tx.get("seq");
        StreamPosition claimed = ProducerId.isValid(producer)
                        && seq != null
                        && seq.isIntegralNumber()
                        && seq.canConvertToLong()
                        && seq.longValue() >= 1
                ? new StreamPosition(producer, seq.longValue())
                : null;
        return new Candidate(txId, null, null, reason, claimed);
    }

    /**
     * SHA-256 of everything that identifies a transaction's content. {@code capturedAt} is left out: it is
     * informational and a relay may render it differently.
     */
    static String contentHash(TransactionEnvelope e) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((e.txId() + "|" + e.producer() + "|" + e.seq() + "|" + e.model() + "|" + e.recordId() + "|"
                            + e.action() + "|" + e.keyId() + "|")
                    .getBytes(StandardCharsets.UTF_8));
            if (e.reissuedFrom() != null) {
                digest.update(("reissuedFrom=" + e.reissuedFrom() + "|").getBytes(StandardCharsets.UTF_8));
            }
            digest.update(e.payload());
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private byte[] readBounded(InputStream body, String contentEncoding) {
        long limit = config.ingest().maxBytes();
        String encoding =
                contentEncoding == null ? "identity" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        try {
            InputStream in = switch (encoding) {
                case "gzip", "x-gzip" -> new GZIPInputStream(body);
                case "identity", "" -> body;
                default ->
                    throw new InvalidBatchException(
                            "Unsupported Content-Encoding",
                            List.of(new FieldError("Content-Encoding", "must be gzip or absent")));
            };
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > limit) {
                    throw new BatchTooLargeException("A batch holds at most " + limit + " bytes of JSON"
                            + (in == body ? "" : " after decompression"));
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (ZipException | java.io.EOFException e) {
            throw new InvalidBatchException(
                    "The request body is not valid gzip", List.of(new FieldError("(body)", "not valid gzip")));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the request body failed", e);
        }
    }

    private static String text(JsonNode tx, String field) {
        JsonNode node = tx.get(field);
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    private static UUID uuid(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return null;
        }
        try {
            UUID value = UUID.fromString(node.textValue());
            return value.toString().equalsIgnoreCase(node.textValue()) ? value : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String abbreviate(String value) {
        return printable(value.length() <= 100 ? value : value.substring(0, 100) + "…");
    }

    /**
     * {@code value} with control characters written as a backslash, "u" and four hex digits: client text quoted
     * back into a reason is stored in a text column, and PostgreSQL refuses U+0000 there (a 500 before this).
     */
    static String printable(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The first field of the snapshot whose text holds U+0000, or null. */
    private static String fieldWithNul(RecordSnapshot snapshot) {
        var fields = snapshot.fields().fields();
        while (fields.hasNext()) {
            var field = fields.next();
            if (field.getKey().indexOf(0) >= 0
                    || field.getValue().isTextual()
                            && field.getValue().textValue().indexOf(0) >= 0) {
                return field.getKey();
            }
        }
        return null;
    }
}
