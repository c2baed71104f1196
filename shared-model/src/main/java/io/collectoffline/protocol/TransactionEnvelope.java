package io.collectoffline.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;

/**
 * One change of one record, as it travels between nodes (DESIGN §4). Relays pass it on unchanged, except that the
 * first server to store it stamps the site it belongs to, which it passes on to its upstream.
 *
 * @param txId       idempotency key
 * @param producer   device id of the node where the change was made
 * @param seq        per-producer, gap-free, increasing in commit order
 * @param model      registry name
 * @param recordId   the record's UUID
 * @param action     INSERT, UPDATE or DELETE
 * @param capturedAt producer's clock at capture; informational only, never used for ordering
 * @param keyId      which key (or codec) sealed the payload
 * @param payload    sealed record snapshot; base64 in JSON
 * @param site       the site (study community) the change belongs to, as the first server that stored it knows it;
 *                   absent from laptops and for unassigned devices. Routing metadata: neither sealed with the
 *                   payload nor part of the content compared on a re-send
 * @param reissuedFrom where the transaction was first numbered, when its device re-issued it on a new stream after
 *                   a divergence (README, Guarantees 8); its payload stays sealed under that first numbering.
 *                   Absent otherwise
 * @param signer     the id of the producer's signing key; absent on unsigned (older) transactions
 * @param signature  the producer's Ed25519 signature of the transaction (README, Guarantees 10); base64 in JSON
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransactionEnvelope(
        UUID txId,
        String producer,
        long seq,
        String model,
        UUID recordId,
        Action action,
        Instant capturedAt,
        String keyId,
        byte[] payload,
        String site,
        StreamPosition reissuedFrom,
        String signer,
        byte[] signature) {

    /** A change without a site (what a laptop sends). */
    public TransactionEnvelope(
            UUID txId,
            String producer,
            long seq,
            String model,
            UUID recordId,
            Action action,
            Instant capturedAt,
            String keyId,
            byte[] payload) {
        this(txId, producer, seq, model, recordId, action, capturedAt, keyId, payload, null, null, null, null);
    }

    /** A change with a site, first numbered where it is now. */
    public TransactionEnvelope(
            UUID txId,
            String producer,
            long seq,
            String model,
            UUID recordId,
            Action action,
            Instant capturedAt,
            String keyId,
            byte[] payload,
            String site) {
        this(txId, producer, seq, model, recordId, action, capturedAt, keyId, payload, site, null, null, null);
    }

    /** A change with its first numbering, unsigned. */
    public TransactionEnvelope(
            UUID txId,
            String producer,
            long seq,
            String model,
            UUID recordId,
            Action action,
            Instant capturedAt,
            String keyId,
            byte[] payload,
            String site,
            StreamPosition reissuedFrom) {
        this(txId, producer, seq, model, recordId, action, capturedAt, keyId, payload, site, reissuedFrom, null, null);
    }

    /** The same change with its producer's signature. */
    public TransactionEnvelope withSignature(String signer, byte[] signature) {
        return new TransactionEnvelope(
                txId,
                producer,
                seq,
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
    }

    /** The same change stamped with {@code site}. */
    public TransactionEnvelope withSite(String site) {
        return new TransactionEnvelope(
                txId,
                producer,
                seq,
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
    }

    /** The metadata the payload is bound to: its first numbering when it was re-issued on another stream. */
    public TransactionHeader header() {
        return reissuedFrom == null
                ? new TransactionHeader(txId, producer, seq, model, recordId, action)
                : new TransactionHeader(txId, reissuedFrom.producer(), reissuedFrom.seq(), model, recordId, action);
    }
}
