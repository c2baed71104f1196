package io.collectoffline.client.pull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.client.outbox.OutboxService;
import io.collectoffline.offline.OfflineModelRegistry;
import io.collectoffline.offline.TrackedItems;
import io.collectoffline.protocol.ItemManifest;
import io.collectoffline.protocol.OutboxAcks;
import io.collectoffline.protocol.OutboxPage;
import io.collectoffline.protocol.ProducerId;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.shipping.ShippingQueue;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The field laptop's side of a middleman's pull: pages of its own pending transactions (sealed, unchanged), the
 * middleman's acknowledgements, and the manifest of tracked items. An acknowledged transaction is only marked
 * consumed by the middleman: it stays pending until the server itself acknowledges it (directly or by its
 * watermark), so a middleman lost on the road loses nothing.
 */
@ApplicationScoped
public class PullService {

    private final EntityManager em;
    private final OutboxService outbox;
    private final ClientConfig config;
    private final io.collectoffline.client.identity.NodeIdentity identity;
    private final Optional<TrackedItems> tracked;

    PullService(
            EntityManager em,
            OutboxService outbox,
            ClientConfig config,
            io.collectoffline.client.identity.NodeIdentity identity,
            OfflineModelRegistry registry) {
        this.identity = identity;
        this.tracked = registry.trackedItems();
        this.em = em;
        this.outbox = outbox;
        this.config = config;
    }

    /**
     * This laptop's own pending transactions after seq {@code afterSeq} of {@code afterProducer} (null: its device
     * id), across its streams in (producer, seq) order, at most {@code limit} (capped).
     */
    @Transactional
    public OutboxPage page(String afterProducer, long afterSeq, int limit) {
        String device = outbox.device();
        int size = Math.max(1, Math.min(limit, config.pull().maxPage()));
        String from = afterProducer == null ? device : afterProducer;
        List<TransactionEnvelope> page = new ArrayList<>(
                outbox.nextBatch(new ShippingQueue.Position(from, afterSeq), size + 1, Integer.MAX_VALUE));
        page.removeIf(tx -> !ProducerId.deviceOf(tx.producer()).equals(device));
        boolean more = page.size() > size;
        return new OutboxPage(device, more ? page.subList(0, size) : page, more, identity.registration());
    }

    /**
     * Records that {@code acks.middleman()} stored these transactions; returns how many were newly marked. Those
     * the middleman refused because it holds their seq with another transaction are re-issued on a new stream (this
     * laptop's stream diverged, README Guarantees 8).
     */
    public int acknowledge(OutboxAcks acks) {
        if (acks.seqTaken() != null && !acks.seqTaken().isEmpty()) {
            outbox.recoverFromSeqTaken(acks.seqTaken());
        }
        if (acks.txIds() == null || acks.txIds().isEmpty()) {
            return 0;
        }
        return QuarkusTransaction.requiringNew().call(() -> markConsumed(acks));
    }

    private int markConsumed(OutboxAcks acks) {
        return em.createQuery("update OutgoingTransaction t set t.consumedByMiddlemanAt = :now, "
                        + "t.consumedByMiddleman = :middleman where t.txId in :ids and t.consumedByMiddlemanAt is null "
                        + "and t.relayedFrom is null")
                .setParameter("now", OffsetDateTime.now(ZoneOffset.UTC))
                .setParameter("middleman", acks.middleman())
                .setParameter("ids", acks.txIds())
                .executeUpdate();
    }

    /**
     * The ready tracked items (drawn specimens in the example study) with the fields their model lists for the
     * manifest: what the driver should find in the cool box. No participant data. Empty when the study tracks none.
     */
    @Transactional
    public ItemManifest manifest() {
        if (tracked.isEmpty()) {
            return new ItemManifest(outbox.device(), List.of());
        }
        @SuppressWarnings("unchecked")
        List<Object> rows = em.createNativeQuery(tracked.get().manifestSql())
                .setMaxResults(ItemManifest.MAX_ITEMS)
                .getResultList();
        List<ObjectNode> entries = new ArrayList<>(rows.size());
        for (Object row : rows) {
            entries.add(tracked.get().entry(row instanceof Object[] columns ? columns : new Object[] {row}));
        }
        if (entries.size() == ItemManifest.MAX_ITEMS) {
            Log.warnf("The manifest lists the first %d ready items only", ItemManifest.MAX_ITEMS);
        }
        return new ItemManifest(outbox.device(), entries);
    }
}
