package io.collectoffline.client.outbox;

import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.client.identity.NodeIdentity;
import io.collectoffline.codec.DeviceSigningKey;
import io.collectoffline.offline.OfflineModelRegistry;
import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.KeyRegistration;
import io.collectoffline.protocol.Paging;
import io.collectoffline.protocol.StreamPosition;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.protocol.TransactionResult;
import io.collectoffline.protocol.TransactionStatus;
import io.collectoffline.shipping.ClockSetBack;
import io.collectoffline.shipping.ShippingQueue.Pending;
import io.collectoffline.shipping.ShippingQueue.Position;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The outbox's state changes and reports. The capture trigger is the only writer of new rows; this service only
 * ever marks them delivered (on the next hop's word, invariant 3) or rejected (on the server's word), never deletes.
 */
@ApplicationScoped
public class OutboxService {

    /** Producers read per query when listing those with work; all pages are read. */
    private static final int PRODUCER_PAGE = 1000;

    private final EntityManager em;
    private final ClientConfig config;
    private final NodeIdentity identity;
    private final OfflineModelRegistry registry;
    private final com.fasterxml.jackson.databind.ObjectMapper json;
    private final javax.sql.DataSource dataSource;

    /**
     * Signs what was captured before this laptop signed, once capture is installed. The usual answer, nothing, comes
     * from one plain statement: the query engine is not warmed up during the start for it (a third of a second of
     * the laptop's start, issue 18).
     */
    void signQueue(
            @jakarta.enterprise.event.Observes @jakarta.annotation.Priority(5) io.quarkus.runtime.StartupEvent event) {
        if (!anyUnsigned()) {
            return;
        }
        int signed = signUnsigned();
        if (signed > 0) {
            io.quarkus.logging.Log.infof("Signed %d pending transactions captured before this laptop signed", signed);
        }
    }

    /**
     * The signing keys to send with transactions of {@code producers}: this laptop's (proven with its token) and,
     * on a middleman, those of the field laptops it relays for among them, as they offered them with their last
     * pull. Only the producers asked for: a middleman serving thousands of laptops sends each batch its own keys.
     */
    @Transactional
    public List<KeyRegistration> registrationsFor(java.util.Collection<String> producers) {
        List<KeyRegistration> all = new ArrayList<>();
        java.util.Set<String> devices = new java.util.TreeSet<>();
        for (String producer : producers) {
            devices.add(io.collectoffline.protocol.ProducerId.deviceOf(producer));
        }
        KeyRegistration own = identity.registration();
        if (own != null && devices.remove(identity.device())) {
            all.add(own);
        }
        List<String> relayedDevices = new ArrayList<>(devices);
        for (int from = 0; from < relayedDevices.size(); from += 1000) {
            @SuppressWarnings("unchecked")
            List<String> relayed = em.createNativeQuery("SELECT registration FROM relay_source WHERE registration "
                            + "IS NOT NULL AND producer IN (:devices) ORDER BY producer")
                    .setParameter("devices", relayedDevices.subList(from, Math.min(relayedDevices.size(), from + 1000)))
                    .getResultList();
            for (String registration : relayed) {
                try {
                    all.add(json.readValue(registration, KeyRegistration.class));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("a stored key registration cannot be read", e);
                }
            }
        }
        return all;
    }

    OutboxService(
            EntityManager em,
            ClientConfig config,
            NodeIdentity identity,
            OfflineModelRegistry registry,
            com.fasterxml.jackson.databind.ObjectMapper json,
            javax.sql.DataSource dataSource) {
        this.dataSource = dataSource;
        this.json = json;
        this.em = em;
        this.config = config;
        this.identity = identity;
        this.registry = registry;
    }

    /** The producer (stream) this laptop captures on now. */
    public String producer() {
        return identity.producer();
    }

    /** This laptop's device id (the sender of its batches, whatever stream it captures on). */
    public String device() {
        return identity.device();
    }

    /**
     * Recovers from a divergence a next hop reported by txId (a middleman holding those seqs with other
     * transactions): re-issues this laptop's pending transactions from the lowest such seq of each stream on a new
     * stream and captures there from now on.
     *
     * @return the re-issues done, one per diverged stream
     */
    public List<Reissue> recoverFromSeqTaken(List<UUID> txIds) {
        Map<String, Long> lowest = new java.util.TreeMap<>();
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
            for (OutgoingTransaction row : ownPendingRows(txIds)) {
                lowest.merge(row.producer, row.seq, Math::min);
            }
        });
        return recover(lowest);
    }

    /** Of {@code txIds}, those still pending that this laptop made itself (not relayed for another laptop). */
    @Transactional
    public Set<UUID> ownPending(List<UUID> txIds) {
        Set<UUID> own = new HashSet<>();
        ownPendingRows(txIds).forEach(row -> own.add(row.txId));
        return own;
    }

    private List<OutgoingTransaction> ownPendingRows(List<UUID> txIds) {
        List<OutgoingTransaction> own = new ArrayList<>();
        for (UUID txId : txIds) {
            OutgoingTransaction row = em.find(OutgoingTransaction.class, txId);
            if (row != null && row.deliveredAt == null && row.relayedFrom == null) {
                own.add(row);
            }
        }
        return own;
    }

    /**
     * Recovers from a divergence: for each stream, re-issues this laptop's pending transactions from the lowest seq
     * a next hop holds with another transaction on a new stream, and captures there from now on.
     */
    public List<Reissue> recover(Map<String, Long> lowest) {
        List<Reissue> done = new ArrayList<>();
        for (Map.Entry<String, Long> diverged : lowest.entrySet()) {
            Reissue reissue = reissueOnNewStream(diverged.getKey(), diverged.getValue());
            identity.useStream(reissue.stream());
            io.quarkus.logging.Log.warnf(
                    "Divergence: a next hop holds seq %d of %s with another transaction; %d "
                            + "pending transactions re-issued on stream %s",
                    reissue.fromSeq(), reissue.from(), reissue.reissued(), reissue.stream());
            done.add(reissue);
        }
        return done;
    }

    /** What the outbox holds now, in one pass over the pending rows. */
    @Transactional
    public OutboxFigures figures() {
        String producer = identity.producer();
        // one pass over the pending rows for all five figures (four separate counts took a minute at 1M pending)
        Object[] pending = (Object[]) em.createQuery("select count(t), min(t.capturedAt), count(t.rejectedAt), "
                        + "count(t.consumedByMiddlemanAt), count(t.relayedFrom) from OutgoingTransaction t "
                        + "where t.deliveredAt is null")
                .getSingleResult();
        long count = ((Number) pending[0]).longValue();
        OffsetDateTime oldest = (OffsetDateTime) pending[1];
        Long age = oldest == null
                ? null
                : Math.max(
                        0,
                        Duration.between(oldest, OffsetDateTime.now(ZoneOffset.UTC))
                                .toSeconds());
        long rejected = ((Number) pending[2]).longValue();
        long consumed = ((Number) pending[3]).longValue();
        long relayed = ((Number) pending[4]).longValue();
        Number lastSeq = (Number) em.createNativeQuery("SELECT last_seq FROM producer_counter WHERE producer = ?1")
                .setParameter(1, producer)
                .getResultStream()
                .findFirst()
                .orElse(0L);
        return new OutboxFigures(producer, count, oldest, age, lastSeq.longValue(), rejected, consumed, relayed);
    }

    /**
     * Pending transactions of {@code producer} with a seq after {@code afterSeq} and at most {@code watermark}, at
     * most {@code limit}, in seq order: those the server may hold already (it arrived by another route, e.g. through
     * a middleman). Only the server's answer by txId marks them delivered ({@link #deliveredHeld}).
     */
    @Transactional
    public List<Pending> pendingUpTo(String producer, long afterSeq, long watermark, int limit) {
        return positions(false, producer, afterSeq, watermark, limit);
    }

    /**
     * The txIds and seqs of {@code producer} with {@code afterSeq < seq <= upTo}, delivered or pending, in seq order
     * (two query strings in all: Hibernate parses each once).
     */
    private List<Pending> positions(boolean delivered, String producer, long afterSeq, long upTo, int limit) {
        return em.createQuery(
                        "select t.txId, t.seq from OutgoingTransaction t where t.producer = :producer "
                                + "and t.seq > :after and t.seq <= :upTo and t.deliveredAt is "
                                + (delivered ? "not null" : "null") + " order by t.producer, t.seq",
                        Object[].class)
                .setParameter("producer", producer)
                .setParameter("after", afterSeq)
                .setParameter("upTo", upTo)
                .setMaxResults(limit)
                .getResultStream()
                .map(r -> new Pending((UUID) r[0], ((Number) r[1]).longValue()))
                .toList();
    }

    /**
     * Marks delivered the transactions the server said it holds, by txId: never by seq alone, since a restored or
     * cloned laptop may have used a seq the server holds with another transaction (README, Guarantees 8).
     */
    @Transactional
    public int deliveredHeld(List<UUID> held) {
        return delivered(held, "HELD");
    }

    /**
     * Marks delivered the pending transactions among {@code txIds} that a next hop stored, as it said by another
     * way than a batch answer ({@code via}: HELD, RECEIPT for an export file's receipt).
     */
    @Transactional
    public int delivered(List<UUID> txIds, String via) {
        return updateByTxIds(
                "update OutgoingTransaction t set t.deliveredAt = :now, t.deliveredVia = :via, t.rejectedAt = null, "
                        + "t.rejectedReason = null where t.deliveredAt is null and t.txId in :ids",
                txIds,
                update -> update.setParameter("now", OffsetDateTime.now(ZoneOffset.UTC))
                        .setParameter("via", via));
    }

    /** Runs {@code jpql} for {@code txIds} (its {@code :ids}), 1000 at a time; returns how many rows it changed. */
    private int updateByTxIds(
            String jpql, List<UUID> txIds, java.util.function.UnaryOperator<jakarta.persistence.Query> parameters) {
        int changed = 0;
        for (int from = 0; from < txIds.size(); from += 1000) {
            changed += parameters
                    .apply(em.createQuery(jpql))
                    .setParameter("ids", txIds.subList(from, Math.min(txIds.size(), from + 1000)))
                    .executeUpdate();
        }
        return changed;
    }

    /**
     * Re-issues this laptop's pending transactions of {@code producer} from {@code fromSeq} on a new stream, after a
     * server held one of those seqs with another transaction (a restored backup, a reinstall with the same id, a
     * cloned laptop image): they keep their txId and sealed payload, are numbered 1.. on the new stream in their
     * old order, and remember their first numbering (which seals them, and which a middleman may still carry).
     * Nothing is dropped on either side: the server keeps what it holds, and these arrive on the new stream. New
     * captures go to the new stream too (the caller switches capture after this commits).
     *
     * @return the new stream, and how many transactions moved to it
     */
    @Transactional
    public Reissue reissueOnNewStream(String producer, long fromSeq) {
        String device = identity.device();
        if (!device.equals(io.collectoffline.protocol.ProducerId.deviceOf(producer))) {
            throw new IllegalArgumentException(producer + " is not a stream of this laptop (" + device + ")");
        }
        // the capture counters are locked until commit: a change being saved now waits, then takes its number
        for (String locked : new java.util.TreeSet<>(List.of(producer, identity.producer()))) {
            em.createNativeQuery("SELECT last_seq FROM producer_counter WHERE producer = ?1 FOR UPDATE")
                    .setParameter(1, locked)
                    .getResultList();
        }
        String stream = io.collectoffline.protocol.ProducerId.newStream(device);
        List<OutgoingTransaction> moving = em.createQuery(
                        "select t from OutgoingTransaction t where "
                                + "t.producer = :producer and t.seq >= :from and t.deliveredAt is null and "
                                + "t.relayedFrom is null "
                                + "order by t.producer, t.seq",
                        OutgoingTransaction.class)
                .setParameter("producer", producer)
                .setParameter("from", fromSeq)
                .getResultList();
        em.createNativeQuery("INSERT INTO producer_counter (producer, last_seq) VALUES (?1, ?2)")
                .setParameter(1, stream)
                .setParameter(2, (long) moving.size())
                .executeUpdate();
        long seq = 0;
        for (OutgoingTransaction row : moving) {
            seq++;
            if (row.reissuedFromProducer == null) {
                row.reissuedFromProducer = row.producer;
                row.reissuedFromSeq = row.seq;
            }
            row.producer = stream;
            row.seq = seq;
            row.rejectedAt = null;
            row.rejectedReason = null;
            sign(row); // its new numbering is signed: a relay cannot renumber it
            em.flush();
            em.createNativeQuery("UPDATE record_history SET seq = ?1 WHERE tx_id = ?2")
                    .setParameter(1, seq)
                    .setParameter(2, row.txId)
                    .executeUpdate();
        }
        identity.recordMove(producer, fromSeq, stream, moving.size());
        return new Reissue(producer, fromSeq, stream, moving.size());
    }

    /**
     * How a divergence was recovered.
     *
     * @param from     the stream that diverged
     * @param fromSeq  the lowest seq a server held with another transaction
     * @param stream   the new stream
     * @param reissued how many pending transactions moved to it
     */
    public record Reissue(String from, long fromSeq, String stream, int reissued) {}

    /** The last divergence this laptop recovered from, or null. */
    public NodeIdentity.Divergence divergence() {
        return identity.divergence();
    }

    /** Producers with transactions to send: this laptop and, on a middleman, the field laptops it relays. */
    @Transactional
    public List<String> sendingProducers() {
        List<String> producers = new ArrayList<>();
        while (true) {
            List<String> page = em.createQuery(
                            "select distinct t.producer from OutgoingTransaction t "
                                    + "where t.deliveredAt is null and t.rejectedAt is null and t.producer > :after "
                                    + "order by t.producer",
                            String.class)
                    .setParameter("after", producers.isEmpty() ? "" : producers.get(producers.size() - 1))
                    .setMaxResults(PRODUCER_PAGE)
                    .getResultList();
            producers.addAll(page);
            if (page.size() < PRODUCER_PAGE) {
                return producers;
            }
        }
    }

    /**
     * The producers a push asks the server about: those with transactions to send and every stream this laptop has
     * captured on (delivered or not), so that a server that lost what it acknowledged is found even when nothing is
     * pending here; with {@code relayed}, on a middleman, also every field laptop's producer it has relayed (read
     * from the whole outbox: for the hourly check only).
     */
    @Transactional
    public List<String> producersToCheck(boolean relayed) {
        java.util.Set<String> producers = new java.util.TreeSet<>(sendingProducers());
        producers.addAll(
                em.createNativeQuery("SELECT producer FROM producer_counter ORDER BY producer").getResultList().stream()
                        .map(Object::toString)
                        .toList());
        if (relayed) {
            producers.addAll(em
                    .createNativeQuery(
                            "SELECT DISTINCT producer FROM outgoing_transaction WHERE relayed_from IS NOT NULL")
                    .getResultList()
                    .stream()
                    .map(Object::toString)
                    .toList());
        }
        return new ArrayList<>(producers);
    }

    /** Whether {@code producer}'s {@code seq} is marked delivered here. */
    @Transactional
    public boolean isDelivered(String producer, long seq) {
        return !em.createQuery(
                        "select t.txId from OutgoingTransaction t where t.producer = :producer and t.seq = :seq "
                                + "and t.deliveredAt is not null",
                        UUID.class)
                .setParameter("producer", producer)
                .setParameter("seq", seq)
                .getResultList()
                .isEmpty();
    }

    /** Transactions of {@code producer} marked delivered with a seq after {@code afterSeq}, in seq order. */
    @Transactional
    public List<Pending> deliveredAfter(String producer, long afterSeq, int limit) {
        return positions(true, producer, afterSeq, Long.MAX_VALUE, limit);
    }

    /**
     * Makes the delivered {@code txIds} pending again: the server said by its watermark and by txId that it no
     * longer holds them (restored from a backup). Returns how many were made pending.
     */
    @Transactional
    public int undeliver(List<UUID> txIds) {
        return updateByTxIds(
                "update OutgoingTransaction t set t.deliveredAt = null, t.deliveredVia = null "
                        + "where t.deliveredAt is not null and t.txId in :ids",
                txIds,
                update -> update);
    }

    /** Transactions to send: pending and not refused by the server. */
    @Transactional
    public long sendable() {
        return em.createQuery(
                        "select count(t) from OutgoingTransaction t where t.deliveredAt is null "
                                + "and t.rejectedAt is null",
                        Long.class)
                .getSingleResult();
    }

    /**
     * The next transactions to send after {@code after}, by producer then seq, at most {@code maxCount} and about
     * {@code maxBytes} of JSON (always at least one).
     */
    @Transactional
    public List<TransactionEnvelope> nextBatch(Position after, int maxCount, int maxBytes) {
        // One producer at a time along the (producer, seq) index: a query across producers read and sorted every
        // pending row for each batch, which made pushing a long queue quadratic. H2 reads an index in order only
        // when ORDER BY names its leading columns, hence "order by producer, seq" with the producer fixed.
        List<OutgoingTransaction> rows = new ArrayList<>();
        if (!after.producer().isEmpty()) {
            rows.addAll(pendingOf(after.producer(), after.seq(), maxCount));
        }
        if (rows.size() < maxCount) {
            for (String producer : sendingProducers()) {
                if (producer.compareTo(after.producer()) > 0) {
                    rows.addAll(pendingOf(producer, firstPendingSeq(producer) - 1, maxCount - rows.size()));
                    if (rows.size() >= maxCount) {
                        break;
                    }
                }
            }
        }
        List<TransactionEnvelope> batch = new ArrayList<>(rows.size());
        long bytes = 0;
        for (OutgoingTransaction row : rows) {
            bytes += 300 + (row.payload.length * 4L / 3);
            if (!batch.isEmpty() && bytes > maxBytes) {
                break;
            }
            batch.add(envelope(row));
            em.detach(row);
        }
        return batch;
    }

    private static TransactionEnvelope envelope(OutgoingTransaction row) {
        return new TransactionEnvelope(
                row.txId,
                row.producer,
                row.seq,
                row.model,
                row.recordId,
                Action.valueOf(row.action),
                row.capturedAt.toInstant(),
                row.keyId,
                row.payload,
                null,
                row.reissuedFromProducer == null
                        ? null
                        : new StreamPosition(row.reissuedFromProducer, row.reissuedFromSeq),
                row.signer,
                row.signature);
    }

    /** Whether any of this laptop's own pending transactions is unsigned ({@link #signUnsigned}). */
    boolean anyUnsigned() {
        try (java.sql.Connection connection = dataSource.getConnection();
                java.sql.PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM outgoing_transaction "
                        + "WHERE delivered_at IS NULL AND relayed_from IS NULL AND signature IS NULL LIMIT 1");
                java.sql.ResultSet rs = ps.executeQuery()) {
            return rs.next();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("reading the outbox failed", e);
        }
    }

    /**
     * Signs this laptop's own pending transactions captured before it signed (an upgraded laptop's queue), so that
     * servers that require signatures take them (README, Guarantees 10).
     */
    @Transactional
    public int signUnsigned() {
        List<OutgoingTransaction> unsigned = em.createQuery(
                        "select t from OutgoingTransaction t where "
                                + "t.deliveredAt is null and t.relayedFrom is null and t.signature is null",
                        OutgoingTransaction.class)
                .getResultList();
        for (OutgoingTransaction row : unsigned) {
            sign(row);
        }
        return unsigned.size();
    }

    private void sign(OutgoingTransaction row) {
        DeviceSigningKey key = identity.signingKey();
        row.signer = key.keyId();
        row.signature = key.sign(envelope(row));
    }

    private List<OutgoingTransaction> pendingOf(String producer, long afterSeq, int max) {
        return em.createQuery(
                        "select t from OutgoingTransaction t where t.producer = :producer and t.seq > :seq "
                                + "and t.deliveredAt is null and t.rejectedAt is null order by t.producer, t.seq",
                        OutgoingTransaction.class)
                .setParameter("producer", producer)
                .setParameter("seq", afterSeq)
                .setMaxResults(max)
                .getResultList();
    }

    private long firstPendingSeq(String producer) {
        List<Long> first = em.createQuery(
                        "select t.seq from OutgoingTransaction t where t.producer = :producer "
                                + "and t.deliveredAt is null and t.rejectedAt is null order by t.producer, t.seq",
                        Long.class)
                .setParameter("producer", producer)
                .setMaxResults(1)
                .getResultList();
        return first.isEmpty() ? 1 : first.get(0);
    }

    /**
     * Counts of one batch's answers.
     *
     * @param seqTaken per producer of this laptop's own, the lowest seq the server holds with another transaction
     *                 (a divergence to recover from with {@link #reissueOnNewStream}); those stay pending, not
     *                 rejected
     */
    public record Delivery(int accepted, int duplicate, int rejected, Map<String, Long> seqTaken) {}

    /**
     * Records the server's answer: ACCEPTED and DUPLICATE are delivered (the server stored them), REJECTED are
     * kept with the reason. A transaction the answer does not mention stays pending.
     */
    @Transactional
    public Delivery record(List<TransactionEnvelope> sent, List<TransactionResult> results) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Map<UUID, TransactionResult> byTx = results.stream()
                .filter(r -> r.txId() != null && r.status() != null)
                .collect(Collectors.toMap(TransactionResult::txId, Function.identity(), (a, b) -> a));
        Map<String, List<UUID>> byOutcome = new java.util.TreeMap<>();
        Map<String, Long> seqTaken = new java.util.TreeMap<>();
        int rejected = 0;
        for (TransactionEnvelope envelope : sent) {
            TransactionResult result = byTx.get(envelope.txId());
            if (result != null
                    && result.status() == TransactionStatus.REJECTED
                    && TransactionResult.SEQ_TAKEN.equals(result.type())
                    && io.collectoffline.protocol.ProducerId.deviceOf(envelope.producer())
                            .equals(identity.device())) {
                seqTaken.merge(envelope.producer(), envelope.seq(), Math::min);
                byOutcome.computeIfAbsent("", k -> new ArrayList<>()).add(envelope.txId());
            } else if (result != null && result.status() == TransactionStatus.REJECTED) {
                OutgoingTransaction row = em.find(OutgoingTransaction.class, envelope.txId());
                row.lastSentAt = now;
                row.rejectedAt = now;
                row.rejectedReason = truncate(result.reason() == null ? "rejected without a reason" : result.reason());
                rejected++;
            } else {
                byOutcome
                        .computeIfAbsent(result == null ? "" : result.status().name(), k -> new ArrayList<>())
                        .add(envelope.txId());
            }
        }
        // one statement per outcome instead of loading and rewriting each row through the persistence context
        for (Map.Entry<String, List<UUID>> outcome : byOutcome.entrySet()) {
            boolean delivered = !outcome.getKey().isEmpty();
            for (int from = 0; from < outcome.getValue().size(); from += 500) {
                List<UUID> ids = outcome.getValue()
                        .subList(from, Math.min(outcome.getValue().size(), from + 500));
                var update = em.createQuery(
                                delivered
                                        ? "update OutgoingTransaction t set t.lastSentAt = :now, "
                                                + "t.deliveredAt = :now, t.deliveredVia = :via where t.txId in :ids"
                                        : "update OutgoingTransaction t set t.lastSentAt = :now where t.txId in :ids")
                        .setParameter("now", now)
                        .setParameter("ids", ids);
                if (delivered) {
                    update.setParameter("via", outcome.getKey());
                }
                update.executeUpdate();
            }
        }
        int accepted = byOutcome
                .getOrDefault(TransactionStatus.ACCEPTED.name(), List.of())
                .size();
        int duplicate = byOutcome
                .getOrDefault(TransactionStatus.DUPLICATE.name(), List.of())
                .size();
        return new Delivery(accepted, duplicate, rejected, seqTaken);
    }

    /**
     * Puts back in the queue the refused transactions refused longer ago than {@code after}: the server may take
     * them now (upgraded, a key installed); a refused seq holds the producer back there until it arrives. A refusal
     * recorded by this laptop's clock before it was set back ({@link ClockSetBack}) counts as long ago.
     */
    @Transactional
    public int requeueRejected(Duration after) {
        Instant now = Instant.now();
        int requeued = em.createQuery(
                        "update OutgoingTransaction t set t.rejectedAt = null where t.deliveredAt is null "
                                + "and t.rejectedAt is not null "
                                + "and (t.rejectedAt < :before or t.rejectedAt > :setBack)")
                .setParameter("before", now.minus(after).atOffset(ZoneOffset.UTC))
                .setParameter("setBack", ClockSetBack.limit(now).atOffset(ZoneOffset.UTC))
                .executeUpdate();
        if (requeued > 0) {
            io.quarkus.logging.Log.infof(
                    "Sending %d refused transactions again (refused more than %s ago)", requeued, after);
        }
        return requeued;
    }

    /** Refuses one transaction locally (e.g. larger than the server accepts even alone), keeping it visible. */
    @Transactional
    public void reject(UUID txId, String reason) {
        OutgoingTransaction row = em.find(OutgoingTransaction.class, txId);
        if (row == null || row.deliveredAt != null) {
            return; // delivered meanwhile (by another route): nothing to refuse
        }
        row.rejectedAt = OffsetDateTime.now(ZoneOffset.UTC);
        row.rejectedReason = truncate(reason);
    }

    /** Transactions the server refused, oldest first. */
    @Transactional
    public List<RejectedTransaction> rejected(@Paging.Limit int limit) {
        return em
                .createQuery(
                        "select t from OutgoingTransaction t where t.deliveredAt is null and t.rejectedAt is "
                                + "not null order by t.seq",
                        OutgoingTransaction.class)
                .setMaxResults(limit)
                .getResultList()
                .stream()
                .map(t -> new RejectedTransaction(
                        t.txId, t.seq, t.model, t.recordId, t.action, t.rejectedAt, t.rejectedReason))
                .toList();
    }

    /** Puts a refused transaction back in the queue (after its cause was fixed, e.g. the server upgraded). */
    @Transactional
    public RejectedTransaction retry(UUID txId) {
        OutgoingTransaction row = em.find(OutgoingTransaction.class, txId);
        if (row == null || row.deliveredAt != null || row.rejectedAt == null) {
            throw new OutboxStateException("Transaction " + txId + " is not a rejected, undelivered transaction");
        }
        RejectedTransaction before = new RejectedTransaction(
                row.txId, row.seq, row.model, row.recordId, row.action, row.rejectedAt, row.rejectedReason);
        row.rejectedAt = null;
        row.rejectedReason = null;
        return before;
    }

    private static String truncate(String reason) {
        return reason.length() <= 2000 ? reason : reason.substring(0, 2000);
    }
}
