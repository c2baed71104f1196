package io.collectoffline.client.outbox;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A row of the outbox. Rows are written only by the capture trigger (never by this entity) and leave the pending
 * state only when the next hop has acknowledged their {@code txId}. Not an offline model: it is the sync
 * machinery itself, and is listed under {@code GET /api/v1/models?offline=false}.
 */
@Entity
@Table(name = "outgoing_transaction")
public class OutgoingTransaction {

    /** Idempotency key on every hop. */
    @Id
    @Column(name = "tx_id")
    UUID txId;

    /** The producer: this laptop's device id, or a stream of it after a divergence (README, Guarantees 8). */
    @Column(name = "producer", nullable = false, length = 64)
    String producer;

    /** Per producer, gap-free, in commit order. */
    @Column(name = "seq", nullable = false)
    long seq;

    /** Registry name of the changed record's model. */
    @Column(name = "model", nullable = false, length = 100)
    String model;

    /** The changed record. */
    @Column(name = "record_id", nullable = false)
    UUID recordId;

    /** INSERT, UPDATE or DELETE. */
    @Column(name = "action", nullable = false, length = 6)
    String action;

    /** Informational capture time; never used for ordering. */
    @Column(name = "captured_at", nullable = false)
    OffsetDateTime capturedAt;

    /** Which key or codec sealed the payload. */
    @Column(name = "key_id", nullable = false, length = 64)
    String keyId;

    /** The sealed record snapshot. */
    @JdbcTypeCode(SqlTypes.VARBINARY)
    @Column(name = "payload", nullable = false)
    byte[] payload;

    /** When the next hop acknowledged this transaction as stored; null while pending (invariant 3). */
    @Column(name = "delivered_at")
    OffsetDateTime deliveredAt;

    /** ACCEPTED, DUPLICATE (the server's answer by txId) or HELD (the server said it holds this txId already). */
    @Column(name = "delivered_via", length = 10)
    String deliveredVia;

    /** When the server refused it; such a transaction is kept, shown, and not sent again unless retried. */
    @Column(name = "rejected_at")
    OffsetDateTime rejectedAt;

    /** The server's reason for refusing it. */
    @Column(name = "rejected_reason", length = 2000)
    String rejectedReason;

    /** When it was last sent. */
    @Column(name = "last_sent_at")
    OffsetDateTime lastSentAt;

    /** On a field laptop: when a middleman pulled and stored it. It stays pending until the server acknowledges. */
    @Column(name = "consumed_by_middleman_at")
    OffsetDateTime consumedByMiddlemanAt;

    /** On a field laptop: which middleman. */
    @Column(name = "consumed_by_middleman", length = 36)
    String consumedByMiddleman;

    /**
     * Where it was first numbered when it was re-issued on a new stream (its payload is sealed under that
     * numbering); null otherwise.
     */
    @Column(name = "reissued_from_producer", length = 64)
    String reissuedFromProducer;

    /** The seq of that first numbering. */
    @Column(name = "reissued_from_seq")
    Long reissuedFromSeq;

    /** The id of the producer's signing key (README, Guarantees 10); null on transactions captured unsigned. */
    @Column(name = "signer", length = 16)
    String signer;

    /** The producer's signature, passed on unchanged by relays. */
    @JdbcTypeCode(SqlTypes.VARBINARY)
    @Column(name = "signature")
    byte[] signature;

    /** On a middleman: the field laptop it was pulled from; null for this laptop's own changes. */
    @Column(name = "relayed_from", length = 36)
    String relayedFrom;
}
