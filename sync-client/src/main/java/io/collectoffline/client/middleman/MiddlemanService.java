package io.collectoffline.client.middleman;

import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.client.outbox.OutboxService;
import io.collectoffline.client.transport.FieldLaptopClient;
import io.collectoffline.protocol.OutboxAcks;
import io.collectoffline.protocol.OutboxPage;
import io.collectoffline.protocol.ProducerId;
import io.collectoffline.protocol.SpecimenManifest;
import io.collectoffline.protocol.TransactionEnvelope;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The middleman's pull: takes a field laptop's pending transactions into this laptop's outbox unchanged (original
 * producer, seq and sealed payload; this laptop cannot read them), and only after they are committed here tells the
 * field laptop so. A crash between the two repeats the pull harmlessly: stored transactions are recognised by txId.
 * The relayed transactions then travel with this laptop's own pushes.
 */
@ApplicationScoped
public class MiddlemanService {

    private final ClientConfig config;
    private final EntityManager em;
    private final FieldLaptopClient field;
    private final OutboxService outbox;
    private final com.fasterxml.jackson.databind.ObjectMapper json;

    MiddlemanService(ClientConfig config, EntityManager em, FieldLaptopClient field, OutboxService outbox,
            com.fasterxml.jackson.databind.ObjectMapper json) {
        this.json = json;
        this.config = config;
        this.em = em;
        this.field = field;
        this.outbox = outbox;
    }

    /** Pulls everything pending from the field laptop at {@code url}. */
    public PullReport pull(URI url, String pairingToken) {
        if (config.role() != ClientConfig.Role.middleman) {
            throw new NotAMiddlemanException("This laptop is a " + config.role()
                    + " laptop; pulling needs sync.client.role=middleman");
        }
        long started = System.nanoTime();
        SpecimenManifest manifest = field.manifest(url, pairingToken);
        String producer = manifest.producer();
        if (producer.equals(outbox.device())) {
            throw new NotAMiddlemanException("The laptop at " + url + " is this laptop");
        }
        QuarkusTransaction.requiringNew().run(() -> storeManifest(manifest));
        int pulled = 0;
        int alreadyHeld = 0;
        int acknowledged = 0;
        int seqTaken = 0;
        boolean registrationKept = false;
        String afterProducer = producer;
        long afterSeq = 0;
        while (true) {
            OutboxPage page = field.outbox(url, pairingToken, afterProducer, afterSeq,
                    config.middleman().pageSize());
            if (!page.producer().equals(producer)) {
                throw new IllegalStateException("the laptop at " + url + " changed identity during the pull");
            }
            if (page.transactions().isEmpty()) {
                break;
            }
            if (!registrationKept && page.registration() != null
                    && producer.equals(page.registration().deviceId())) {
                registrationKept = true; // every page carries the same one
                String registration;
                try {
                    registration = json.writeValueAsString(page.registration());
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
                QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("MERGE INTO relay_source (producer, "
                        + "url, last_pulled_at, registration) KEY (producer) VALUES (?1, ?2, ?3, ?4)")
                        .setParameter(1, producer).setParameter(2, url.toString())
                        .setParameter(3, OffsetDateTime.now(ZoneOffset.UTC)).setParameter(4, registration)
                        .executeUpdate());
            }
            Stored stored = QuarkusTransaction.requiringNew().call(() -> store(producer, page.transactions()));
            pulled += stored.added();
            seqTaken += stored.seqTaken().size();
            alreadyHeld += page.transactions().size() - stored.added() - stored.seqTaken().size();
            if (config.middleman().faultHaltAfterStore()) {
                Log.warn("Fault injection: halting after storing a pulled page, before acknowledging it");
                Runtime.getRuntime().halt(137);
            }
            acknowledged += field.ack(url, pairingToken, new OutboxAcks(outbox.device(),
                    page.transactions().stream().map(TransactionEnvelope::txId)
                            .filter(id -> !stored.seqTaken().contains(id)).toList(),
                    stored.seqTaken().isEmpty() ? null : stored.seqTaken())).acknowledged();
            TransactionEnvelope last = page.transactions().get(page.transactions().size() - 1);
            afterProducer = last.producer();
            afterSeq = last.seq();
            if (!stored.seqTaken().isEmpty()) {
                Log.warnf("Field laptop %s offered %d transactions whose producer and seq this middleman holds "
                        + "with other transactions (its stream diverged); it was told to re-issue them on a new "
                        + "stream", producer, stored.seqTaken().size());
                break; // the laptop has re-numbered its queue: the next pull takes the re-issued transactions
            }
            if (!page.more()) {
                break;
            }
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("MERGE INTO relay_source (producer, url, "
                + "last_pulled_at) KEY (producer) VALUES (?1, ?2, ?3)").setParameter(1, producer)
                .setParameter(2, url.toString()).setParameter(3, now).executeUpdate());
        Log.infof("Pulled from %s (%s): %d new, %d already held, %d acknowledged, %d refused as seq taken, %d "
                + "specimens in its manifest, in %d ms", producer, url, pulled, alreadyHeld, acknowledged, seqTaken,
                manifest.requisitions().size(),
                (System.nanoTime() - started) / 1_000_000);
        return new PullReport(producer, pulled, alreadyHeld, acknowledged, manifest.requisitions().size());
    }

    /** Per field laptop: what was pulled from it, pushed on, and acknowledged by the server. */
    public List<RelaySource> sources() {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("SELECT s.producer, s.url, s.last_pulled_at, "
                    + "COUNT(t.tx_id), COUNT(t.last_sent_at), COUNT(t.delivered_at) FROM relay_source s "
                    + "LEFT JOIN outgoing_transaction t ON t.relayed_from = s.producer "
                    + "GROUP BY s.producer, s.url, s.last_pulled_at ORDER BY s.producer").getResultList();
            return rows.stream().map(r -> new RelaySource((String) r[0], (String) r[1], (OffsetDateTime) r[2],
                    ((Number) r[3]).longValue(), ((Number) r[4]).longValue(), ((Number) r[5]).longValue())).toList();
        });
    }

    private void storeManifest(SpecimenManifest manifest) {
        em.createNativeQuery("DELETE FROM specimen_manifest WHERE producer = ?1").setParameter(1, manifest.producer())
                .executeUpdate();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        for (SpecimenManifest.Entry entry : manifest.requisitions()) {
            em.createNativeQuery("INSERT INTO specimen_manifest (producer, requisition_identifier, panel, "
                    + "drawn_datetime, visit_code, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                    .setParameter(1, manifest.producer()).setParameter(2, entry.requisitionIdentifier())
                    .setParameter(3, entry.panel()).setParameter(4, entry.drawnDatetime())
                    .setParameter(5, entry.visitCode()).setParameter(6, now).executeUpdate();
        }
    }

    /** How many of a page were stored new, and which were refused because their producer and seq are taken. */
    private record Stored(int added, List<UUID> seqTaken) {
    }

    /**
     * Stores the page's transactions not held yet (by txId), unchanged. One whose producer and seq this middleman
     * holds with another transaction is not stored: the field laptop's stream diverged, and it is told so.
     */
    private Stored store(String producer, List<TransactionEnvelope> page) {
        Set<UUID> known = new HashSet<>(em.createQuery("select t.txId from OutgoingTransaction t "
                + "where t.txId in :ids", UUID.class)
                .setParameter("ids", page.stream().map(TransactionEnvelope::txId).toList()).getResultList());
        int added = 0;
        List<UUID> seqTaken = new java.util.ArrayList<>();
        for (TransactionEnvelope tx : page) {
            if (!ProducerId.deviceOf(tx.producer()).equals(producer)) {
                continue;
            }
            if (known.contains(tx.txId())) {
                if (tx.reissuedFrom() != null) {
                    // the field laptop re-issued it on a new stream: the copy held here under its first numbering
                    // would be refused upstream as a taken seq, so it travels on with its new numbering
                    em.createQuery("update OutgoingTransaction t set t.producer = :producer, t.seq = :seq, "
                            + "t.reissuedFromProducer = :fromProducer, t.reissuedFromSeq = :fromSeq, "
                            + "t.signer = :signer, t.signature = :signature, "
                            + "t.rejectedAt = null, t.rejectedReason = null where t.txId = :txId "
                            + "and t.deliveredAt is null and t.producer <> :producer")
                            .setParameter("producer", tx.producer()).setParameter("seq", tx.seq())
                            .setParameter("fromProducer", tx.reissuedFrom().producer())
                            .setParameter("fromSeq", tx.reissuedFrom().seq()).setParameter("txId", tx.txId())
                            .setParameter("signer", tx.signer()).setParameter("signature", tx.signature())
                            .executeUpdate();
                }
                continue;
            }
            boolean taken = !em.createQuery("select t.txId from OutgoingTransaction t where t.producer = :producer "
                    + "and t.seq = :seq", UUID.class).setParameter("producer", tx.producer())
                    .setParameter("seq", tx.seq()).getResultList().isEmpty();
            if (taken) {
                seqTaken.add(tx.txId());
                continue;
            }
            em.createNativeQuery("INSERT INTO outgoing_transaction (tx_id, producer, seq, model, record_id, action, "
                    + "captured_at, key_id, payload, relayed_from, reissued_from_producer, reissued_from_seq, signer, "
                    + "signature) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)")
                    .setParameter(1, tx.txId()).setParameter(2, tx.producer()).setParameter(3, tx.seq())
                    .setParameter(4, tx.model()).setParameter(5, tx.recordId()).setParameter(6, tx.action().name())
                    .setParameter(7, tx.capturedAt() == null ? OffsetDateTime.now(ZoneOffset.UTC)
                            : tx.capturedAt().atOffset(ZoneOffset.UTC))
                    .setParameter(8, tx.keyId()).setParameter(9, tx.payload()).setParameter(10, producer)
                    .setParameter(11, tx.reissuedFrom() == null ? null : tx.reissuedFrom().producer())
                    .setParameter(12, tx.reissuedFrom() == null ? null : tx.reissuedFrom().seq())
                    .setParameter(13, tx.signer()).setParameter(14, tx.signature())
                    .executeUpdate();
            added++;
        }
        return new Stored(added, seqTaken);
    }
}
