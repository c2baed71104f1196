package io.collectoffline.client.outbox;

import io.collectoffline.client.capture.CaptureInstaller;
import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.offline.OfflineModelRegistry;
import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.protocol.TransactionResult;
import io.collectoffline.protocol.TransactionStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The outbox's state changes and reports. The capture trigger is the only writer of new rows; this service only
 * ever marks them delivered (on the next hop's word, invariant 3) or rejected (on the server's word), never deletes.
 */
@ApplicationScoped
public class OutboxService {

    private final EntityManager em;
    private final ClientConfig config;
    private final CaptureInstaller capture;
    private final OfflineModelRegistry registry;

    OutboxService(EntityManager em, ClientConfig config, CaptureInstaller capture, OfflineModelRegistry registry) {
        this.em = em;
        this.config = config;
        this.capture = capture;
        this.registry = registry;
    }

    /** This laptop's producer id. */
    public String producer() {
        return capture.producer();
    }

    @Transactional
    public OutboxStatus status(PushStatus push) {
        String producer = capture.producer();
        // one pass over the pending rows for all five figures (four separate counts took a minute at 1M pending)
        Object[] pending = (Object[]) em.createQuery("select count(t), min(t.capturedAt), count(t.rejectedAt), "
                + "count(t.consumedByMiddlemanAt), count(t.relayedFrom) from OutgoingTransaction t "
                + "where t.deliveredAt is null").getSingleResult();
        long count = ((Number) pending[0]).longValue();
        OffsetDateTime oldest = (OffsetDateTime) pending[1];
        Long age = oldest == null ? null
                : Math.max(0, Duration.between(oldest, OffsetDateTime.now(ZoneOffset.UTC)).toSeconds());
        long rejected = ((Number) pending[2]).longValue();
        long consumed = ((Number) pending[3]).longValue();
        long relayed = ((Number) pending[4]).longValue();
        Number lastSeq = (Number) em.createNativeQuery("SELECT last_seq FROM producer_counter WHERE producer = ?1")
                .setParameter(1, producer).getResultStream().findFirst().orElse(0L);
        return new OutboxStatus(producer, config.role().name(), config.capture().enabled(),
                config.payload().codec(), count, oldest, age, lastSeq.longValue(), rejected, consumed, relayed,
                registry.models().size(), push);
    }

    /**
     * Marks delivered what the server already holds of {@code producer} (seq at or below its watermark): it arrived
     * by another route, e.g. through a middleman, or directly from the field laptop.
     */
    @Transactional
    public int deliveredUpTo(String producer, long watermark) {
        return em.createQuery("update OutgoingTransaction t set t.deliveredAt = :now, t.deliveredVia = 'WATERMARK' "
                + "where t.deliveredAt is null and t.producer = :producer and t.seq <= :watermark")
                .setParameter("now", OffsetDateTime.now(ZoneOffset.UTC)).setParameter("producer", producer)
                .setParameter("watermark", watermark).executeUpdate();
    }

    /** Producers with transactions to send: this laptop and, on a middleman, the field laptops it relays. */
    @Transactional
    public List<String> sendingProducers() {
        return em.createQuery("select distinct t.producer from OutgoingTransaction t where t.deliveredAt is null "
                + "and t.rejectedAt is null order by t.producer", String.class).setMaxResults(1000).getResultList();
    }

    /** Transactions to send: pending and not refused by the server. */
    @Transactional
    public long sendable() {
        return em.createQuery("select count(t) from OutgoingTransaction t where t.deliveredAt is null "
                + "and t.rejectedAt is null", Long.class).getSingleResult();
    }

    /** Where a push has got to: the last (producer, seq) sent. */
    public record Cursor(String producer, long seq) {

        /** Before everything. */
        public static final Cursor START = new Cursor("", 0);

        public static Cursor after(TransactionEnvelope sent) {
            return new Cursor(sent.producer(), sent.seq());
        }
    }

    /**
     * The next transactions to send after {@code after}, by producer then seq, at most {@code maxCount} and about
     * {@code maxBytes} of JSON (always at least one).
     */
    @Transactional
    public List<TransactionEnvelope> nextBatch(Cursor after, int maxCount, int maxBytes) {
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
            batch.add(new TransactionEnvelope(row.txId, row.producer, row.seq, row.model, row.recordId,
                    Action.valueOf(row.action), row.capturedAt.toInstant(), row.keyId, row.payload));
            em.detach(row);
        }
        return batch;
    }

    private List<OutgoingTransaction> pendingOf(String producer, long afterSeq, int max) {
        return em.createQuery("select t from OutgoingTransaction t where t.producer = :producer and t.seq > :seq "
                + "and t.deliveredAt is null and t.rejectedAt is null order by t.producer, t.seq",
                OutgoingTransaction.class)
                .setParameter("producer", producer).setParameter("seq", afterSeq).setMaxResults(max)
                .getResultList();
    }

    private long firstPendingSeq(String producer) {
        List<Long> first = em.createQuery("select t.seq from OutgoingTransaction t where t.producer = :producer "
                + "and t.deliveredAt is null and t.rejectedAt is null order by t.producer, t.seq", Long.class)
                .setParameter("producer", producer).setMaxResults(1).getResultList();
        return first.isEmpty() ? 1 : first.get(0);
    }

    /** Counts of one batch's answers. */
    public record Delivery(int accepted, int duplicate, int rejected) {
    }

    /**
     * Records the server's answer: ACCEPTED and DUPLICATE are delivered (the server stored them), REJECTED are
     * kept with the reason. A transaction the answer does not mention stays pending.
     */
    @Transactional
    public Delivery record(List<TransactionEnvelope> sent, List<TransactionResult> results) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Map<UUID, TransactionResult> byTx = results.stream().filter(r -> r.txId() != null && r.status() != null)
                .collect(Collectors.toMap(TransactionResult::txId, Function.identity(), (a, b) -> a));
        Map<String, List<UUID>> byOutcome = new java.util.TreeMap<>();
        int rejected = 0;
        for (TransactionEnvelope envelope : sent) {
            TransactionResult result = byTx.get(envelope.txId());
            if (result != null && result.status() == TransactionStatus.REJECTED) {
                OutgoingTransaction row = em.find(OutgoingTransaction.class, envelope.txId());
                row.lastSentAt = now;
                row.rejectedAt = now;
                row.rejectedReason = truncate(result.reason() == null ? "rejected without a reason" : result.reason());
                rejected++;
            } else {
                byOutcome.computeIfAbsent(result == null ? "" : result.status().name(), k -> new ArrayList<>())
                        .add(envelope.txId());
            }
        }
        // one statement per outcome instead of loading and rewriting each row through the persistence context
        for (Map.Entry<String, List<UUID>> outcome : byOutcome.entrySet()) {
            boolean delivered = !outcome.getKey().isEmpty();
            for (int from = 0; from < outcome.getValue().size(); from += 500) {
                List<UUID> ids = outcome.getValue().subList(from, Math.min(outcome.getValue().size(), from + 500));
                var update = em.createQuery(delivered ? "update OutgoingTransaction t set t.lastSentAt = :now, "
                        + "t.deliveredAt = :now, t.deliveredVia = :via where t.txId in :ids"
                        : "update OutgoingTransaction t set t.lastSentAt = :now where t.txId in :ids")
                        .setParameter("now", now).setParameter("ids", ids);
                if (delivered) {
                    update.setParameter("via", outcome.getKey());
                }
                update.executeUpdate();
            }
        }
        int accepted = byOutcome.getOrDefault(TransactionStatus.ACCEPTED.name(), List.of()).size();
        int duplicate = byOutcome.getOrDefault(TransactionStatus.DUPLICATE.name(), List.of()).size();
        return new Delivery(accepted, duplicate, rejected);
    }

    /** Refuses one transaction locally (e.g. larger than the server accepts even alone), keeping it visible. */
    @Transactional
    public void reject(UUID txId, String reason) {
        OutgoingTransaction row = em.find(OutgoingTransaction.class, txId);
        row.rejectedAt = OffsetDateTime.now(ZoneOffset.UTC);
        row.rejectedReason = truncate(reason);
    }

    /** Transactions the server refused, oldest first. */
    @Transactional
    public List<RejectedTransaction> rejected(int limit) {
        return em.createQuery("select t from OutgoingTransaction t where t.deliveredAt is null and t.rejectedAt is "
                + "not null order by t.seq", OutgoingTransaction.class).setMaxResults(limit).getResultList().stream()
                .map(t -> new RejectedTransaction(t.txId, t.seq, t.model, t.recordId, t.action, t.rejectedAt,
                        t.rejectedReason)).toList();
    }

    /** Puts a refused transaction back in the queue (after its cause was fixed, e.g. the server upgraded). */
    @Transactional
    public RejectedTransaction retry(UUID txId) {
        OutgoingTransaction row = em.find(OutgoingTransaction.class, txId);
        if (row == null || row.deliveredAt != null || row.rejectedAt == null) {
            throw new OutboxStateException("Transaction " + txId + " is not a rejected, undelivered transaction");
        }
        RejectedTransaction before = new RejectedTransaction(row.txId, row.seq, row.model, row.recordId, row.action,
                row.rejectedAt, row.rejectedReason);
        row.rejectedAt = null;
        row.rejectedReason = null;
        return before;
    }

    private static String truncate(String reason) {
        return reason.length() <= 2000 ? reason : reason.substring(0, 2000);
    }
}
