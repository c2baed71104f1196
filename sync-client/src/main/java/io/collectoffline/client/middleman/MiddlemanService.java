package io.collectoffline.client.middleman;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.client.downsync.CarriedDownSync;
import io.collectoffline.client.outbox.OutboxService;
import io.collectoffline.client.people.LaptopAccounts;
import io.collectoffline.client.transport.FieldLaptopClient;
import io.collectoffline.offline.OfflineModelRegistry;
import io.collectoffline.offline.TrackedItems;
import io.collectoffline.protocol.AccountList;
import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.CarriedAccounts;
import io.collectoffline.protocol.CarriedAnswer;
import io.collectoffline.protocol.DownSyncPage;
import io.collectoffline.protocol.ItemManifest;
import io.collectoffline.protocol.OutboxAcks;
import io.collectoffline.protocol.OutboxPage;
import io.collectoffline.protocol.ProducerId;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.protocol.TransactionResult;
import io.collectoffline.protocol.TransactionStatus;
import io.collectoffline.shipping.Link;
import io.collectoffline.shipping.LinkFailure;
import io.collectoffline.shipping.ShipObserver;
import io.collectoffline.shipping.ShipReport;
import io.collectoffline.shipping.Shipper;
import io.collectoffline.shipping.ShippingQueue;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The middleman's pull, through the shipping engine ({@link Shipper}): the field laptop's outbox is the queue (read
 * page by page through its pull API), this laptop's outbox the link. It takes a field laptop's pending transactions
 * into this laptop's outbox unchanged (original producer, seq and sealed payload; this laptop cannot read them),
 * and only after they are committed here tells the field laptop so. A crash between the two repeats the pull
 * harmlessly: stored transactions are recognised by txId.
 * The relayed transactions then travel with this laptop's own pushes.
 */
@ApplicationScoped
public class MiddlemanService {

    private final ClientConfig config;
    private final EntityManager em;
    private final FieldLaptopClient field;
    private final OutboxService outbox;
    private final com.fasterxml.jackson.databind.ObjectMapper json;

    private final Optional<TrackedItems> tracked;

    private final CarriedDownSync carried;
    private final LaptopAccounts accounts;

    MiddlemanService(
            ClientConfig config,
            EntityManager em,
            FieldLaptopClient field,
            OutboxService outbox,
            com.fasterxml.jackson.databind.ObjectMapper json,
            OfflineModelRegistry registry,
            CarriedDownSync carried,
            LaptopAccounts accounts) {
        this.accounts = accounts;
        this.carried = carried;
        this.tracked = registry.trackedItems();
        this.json = json;
        this.config = config;
        this.em = em;
        this.field = field;
        this.outbox = outbox;
    }

    /** Pulls everything pending from the field laptop at {@code url}. */
    public PullReport pull(URI url, String pairingToken) {
        if (config.role() != ClientConfig.Role.middleman) {
            throw new NotAMiddlemanException(
                    "This laptop is a " + config.role() + " laptop; pulling needs sync.client.role=middleman");
        }
        long started = System.nanoTime();
        ItemManifest manifest = field.manifest(url, pairingToken);
        String producer = manifest.producer();
        if (producer.equals(outbox.device())) {
            throw new NotAMiddlemanException("The laptop at " + url + " is this laptop");
        }
        QuarkusTransaction.requiringNew().run(() -> storeManifest(manifest));
        FieldLaptopQueue queue = new FieldLaptopQueue(url, pairingToken, producer);
        ShipReport shipped =
                Shipper.ship(queue, new ThisOutbox(producer), config.middleman().pageSize(), new ShipObserver() {});
        if (shipped.failure() != null) {
            throw shipped.failure(); // the field laptop could not be reached or refused: the pull was not done
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        QuarkusTransaction.requiringNew()
                .run(() -> em.createNativeQuery("MERGE INTO relay_source (producer, url, "
                                + "last_pulled_at) KEY (producer) VALUES (?1, ?2, ?3)")
                        .setParameter(1, producer)
                        .setParameter(2, url.toString())
                        .setParameter(3, now)
                        .executeUpdate());
        Log.infof(
                "Pulled from %s (%s): %d new, %d already held, %d acknowledged, %d refused as seq taken, %d "
                        + "items in its manifest, in %d ms",
                producer,
                url,
                shipped.accepted(),
                shipped.duplicate(),
                queue.acknowledged,
                shipped.rejected(),
                manifest.items().size(),
                (System.nanoTime() - started) / 1_000_000);
        CarriedAnswer handed = handOver(url, pairingToken, producer);
        CarriedAccounts people = handOverAccounts(url, pairingToken, producer);
        return new PullReport(
                producer,
                shipped.accepted(),
                shipped.duplicate(),
                queue.acknowledged,
                manifest.items().size(),
                handed == null ? null : handed.applied(),
                handed == null ? null : handed.stopped(),
                people == null ? null : people.taken(),
                people == null ? null : people.accounts());
    }

    /**
     * Hands the field laptop the account list this middleman holds as the server signed it (it takes it when newer
     * than its own); null when this middleman holds none. A failure is logged and does not undo the pull.
     */
    private CarriedAccounts handOverAccounts(URI url, String pairingToken, String producer) {
        Optional<AccountList> list = accounts.held();
        if (list.isEmpty()) {
            return null;
        }
        try {
            CarriedAccounts answer = field.accounts(url, pairingToken, list.get());
            if (!answer.taken()) {
                Log.debugf("%s kept its account list: %s", producer, answer.reason());
            }
            return answer;
        } catch (LinkFailure e) {
            Log.infof("Handing %s the account list failed (again at the next pull): %s", producer, e.getMessage());
            return null;
        }
    }

    /**
     * Hands the field laptop the down-sync entries carried for it (two-way); null when there were none. A failure
     * here leaves them carried for the next pull and does not undo the pull.
     */
    private CarriedAnswer handOver(URI url, String pairingToken, String producer) {
        String device = ProducerId.deviceOf(producer);
        List<DownSyncPage> pages = carried.pages(device);
        if (pages.isEmpty()) {
            return null;
        }
        try {
            int applied = 0;
            CarriedAnswer answer = null;
            for (DownSyncPage page : pages) {
                answer = field.carried(url, pairingToken, page);
                carried.handedOver(device, answer.checkpoint());
                applied += answer.applied();
                if (answer.stopped() != null) {
                    break; // the laptop says why; what it did not take stays carried
                }
            }
            return new CarriedAnswer(answer.checkpoint(), applied, answer.stopped());
        } catch (LinkFailure e) {
            Log.infof("Handing %s its carried down-sync failed (kept for the next pull): %s", device, e.getMessage());
            return null;
        }
    }

    /**
     * The field laptop's outbox as the shipping engine's queue, read page by page through its pull API; the answer
     * for a page is the acknowledgement sent back. A page with transactions whose seq this middleman holds with
     * other transactions ends the pull: the field laptop re-numbers its queue, and the next pull takes it.
     */
    private final class FieldLaptopQueue implements ShippingQueue {

        private final URI url;
        private final String pairingToken;
        private final String producer;
        private boolean registrationKept;
        private boolean ended;
        private int acknowledged;

        FieldLaptopQueue(URI url, String pairingToken, String producer) {
            this.url = url;
            this.pairingToken = pairingToken;
            this.producer = producer;
        }

        @Override
        public long pending() {
            return 0; // not known before the pages are read
        }

        @Override
        public List<String> producers() {
            return List.of(); // nothing to confirm by txId first: this outbox answers DUPLICATE for what it holds
        }

        @Override
        public List<Pending> pendingUpTo(String producer, long afterSeq, long upTo, int limit) {
            return List.of();
        }

        @Override
        public int markHeld(List<UUID> txIds) {
            return 0;
        }

        @Override
        public List<TransactionEnvelope> next(Position after, int maxCount) {
            if (ended) {
                return List.of();
            }
            OutboxPage page = field.outbox(
                    url, pairingToken, after.producer().isEmpty() ? producer : after.producer(), after.seq(), maxCount);
            if (!page.producer().equals(producer)) {
                throw new LinkFailure(
                        LinkFailure.Kind.REFUSED, "the laptop at " + url + " changed identity during the pull");
            }
            ended = !page.more();
            if (!registrationKept
                    && page.registration() != null
                    && producer.equals(page.registration().deviceId())) {
                registrationKept = true; // every page carries the same one
                keepRegistration(page);
            }
            return page.transactions();
        }

        private void keepRegistration(OutboxPage page) {
            String registration;
            try {
                registration = json.writeValueAsString(page.registration());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            QuarkusTransaction.requiringNew()
                    .run(() -> em.createNativeQuery("MERGE INTO relay_source (producer, "
                                    + "url, last_pulled_at, registration) KEY (producer) VALUES (?1, ?2, ?3, ?4)")
                            .setParameter(1, producer)
                            .setParameter(2, url.toString())
                            .setParameter(3, OffsetDateTime.now(ZoneOffset.UTC))
                            .setParameter(4, registration)
                            .executeUpdate());
        }

        @Override
        public Recorded record(List<TransactionEnvelope> batch, List<TransactionResult> results) {
            List<UUID> stored = new ArrayList<>();
            List<UUID> seqTaken = new ArrayList<>();
            int accepted = 0;
            for (TransactionResult result : results) {
                if (result.status() == TransactionStatus.REJECTED) {
                    seqTaken.add(result.txId());
                } else {
                    stored.add(result.txId());
                    accepted += result.status() == TransactionStatus.ACCEPTED ? 1 : 0;
                }
            }
            acknowledged += field.ack(
                            url,
                            pairingToken,
                            new OutboxAcks(outbox.device(), stored, seqTaken.isEmpty() ? null : seqTaken))
                    .acknowledged();
            if (!seqTaken.isEmpty()) {
                Log.warnf(
                        "Field laptop %s offered %d transactions whose producer and seq this middleman holds "
                                + "with other transactions (its stream diverged); it was told to re-issue them on a "
                                + "new "
                                + "stream",
                        producer, seqTaken.size());
                ended = true; // the laptop has re-numbered its queue: the next pull takes the re-issued transactions
            }
            return new Recorded(accepted, stored.size() - accepted, seqTaken.size(), false);
        }

        @Override
        public void refuse(TransactionEnvelope tx, String reason) {
            throw new IllegalStateException("this laptop's own outbox never refuses a transaction as too large");
        }
    }

    /** This middleman's outbox as the engine's link: a page is stored unchanged, answered per txId. */
    private final class ThisOutbox implements Link {

        private final String producer;

        ThisOutbox(String producer) {
            this.producer = producer;
        }

        @Override
        public long watermark(String producer) {
            return 0;
        }

        @Override
        public List<UUID> held(String producer, List<UUID> txIds) {
            return List.of();
        }

        @Override
        public BatchResult send(List<TransactionEnvelope> batch) {
            Stored stored = QuarkusTransaction.requiringNew().call(() -> store(producer, batch));
            if (config.middleman().faultHaltAfterStore()) {
                Log.warn("Fault injection: halting after storing a pulled page, before acknowledging it");
                Runtime.getRuntime().halt(137);
            }
            List<TransactionResult> results = new ArrayList<>(batch.size());
            for (TransactionEnvelope tx : batch) {
                if (stored.seqTaken().contains(tx.txId())) {
                    results.add(new TransactionResult(
                            tx.txId(),
                            TransactionStatus.REJECTED,
                            "this middleman holds the seq with another transaction",
                            TransactionResult.SEQ_TAKEN));
                } else {
                    results.add(new TransactionResult(
                            tx.txId(),
                            stored.added().contains(tx.txId())
                                    ? TransactionStatus.ACCEPTED
                                    : TransactionStatus.DUPLICATE,
                            null));
                }
            }
            return new BatchResult(UUID.randomUUID(), results);
        }
    }

    /** Per field laptop: what was pulled from it, pushed on, and acknowledged by the server. */
    public List<RelaySource> sources() {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("SELECT s.producer, s.url, s.last_pulled_at, "
                            + "COUNT(t.tx_id), COUNT(t.last_sent_at), COUNT(t.delivered_at) FROM relay_source s "
                            + "LEFT JOIN outgoing_transaction t ON t.relayed_from = s.producer "
                            + "GROUP BY s.producer, s.url, s.last_pulled_at ORDER BY s.producer")
                    .getResultList();
            return rows.stream()
                    .map(r -> new RelaySource(
                            (String) r[0],
                            (String) r[1],
                            (OffsetDateTime) r[2],
                            ((Number) r[3]).longValue(),
                            ((Number) r[4]).longValue(),
                            ((Number) r[5]).longValue()))
                    .toList();
        });
    }

    /** Replaces what is stored of {@code manifest}'s field laptop; entries without an identifier are skipped. */
    private void storeManifest(ItemManifest manifest) {
        em.createNativeQuery("DELETE FROM item_manifest WHERE producer = ?1")
                .setParameter(1, manifest.producer())
                .executeUpdate();
        if (tracked.isEmpty()) {
            return; // this study tracks no items
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Set<String> seen = new HashSet<>();
        List<ObjectNode> items = manifest.items();
        if (items.size() > ItemManifest.MAX_ITEMS) {
            Log.warnf(
                    "Manifest of %s lists %d items; only the first %d are kept",
                    manifest.producer(), items.size(), ItemManifest.MAX_ITEMS);
            items = items.subList(0, ItemManifest.MAX_ITEMS);
        }
        for (ObjectNode entry : items) {
            String identifier = tracked.get().identifierOf(entry);
            String text = entry.toString();
            if (identifier == null || identifier.length() > 100 || text.length() > 4000 || !seen.add(identifier)) {
                Log.warnf(
                        "Manifest of %s: an entry without a usable identifier is skipped: %.200s",
                        manifest.producer(), text);
                continue;
            }
            em.createNativeQuery("INSERT INTO item_manifest (producer, identifier, entry, received_at) "
                            + "VALUES (?1, ?2, ?3, ?4)")
                    .setParameter(1, manifest.producer())
                    .setParameter(2, identifier)
                    .setParameter(3, text)
                    .setParameter(4, now)
                    .executeUpdate();
        }
    }

    /** How many of a page were stored new, and which were refused because their producer and seq are taken. */
    private record Stored(Set<UUID> added, List<UUID> seqTaken) {}

    /**
     * Stores the page's transactions not held yet (by txId), unchanged. One whose producer and seq this middleman
     * holds with another transaction is not stored: the field laptop's stream diverged, and it is told so.
     */
    private Stored store(String producer, List<TransactionEnvelope> page) {
        Set<UUID> known = new HashSet<>(em.createQuery(
                        "select t.txId from OutgoingTransaction t " + "where t.txId in :ids", UUID.class)
                .setParameter(
                        "ids", page.stream().map(TransactionEnvelope::txId).toList())
                .getResultList());
        Set<UUID> added = new HashSet<>();
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
                            .setParameter("producer", tx.producer())
                            .setParameter("seq", tx.seq())
                            .setParameter("fromProducer", tx.reissuedFrom().producer())
                            .setParameter("fromSeq", tx.reissuedFrom().seq())
                            .setParameter("txId", tx.txId())
                            .setParameter("signer", tx.signer())
                            .setParameter("signature", tx.signature())
                            .executeUpdate();
                }
                continue;
            }
            boolean taken = !em.createQuery(
                            "select t.txId from OutgoingTransaction t where t.producer = :producer "
                                    + "and t.seq = :seq",
                            UUID.class)
                    .setParameter("producer", tx.producer())
                    .setParameter("seq", tx.seq())
                    .getResultList()
                    .isEmpty();
            if (taken) {
                seqTaken.add(tx.txId());
                continue;
            }
            em.createNativeQuery("INSERT INTO outgoing_transaction (tx_id, producer, seq, model, record_id, action, "
                            + "captured_at, key_id, payload, relayed_from, reissued_from_producer, reissued_from_seq, "
                            + "signer, "
                            + "signature) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)")
                    .setParameter(1, tx.txId())
                    .setParameter(2, tx.producer())
                    .setParameter(3, tx.seq())
                    .setParameter(4, tx.model())
                    .setParameter(5, tx.recordId())
                    .setParameter(6, tx.action().name())
                    .setParameter(
                            7,
                            tx.capturedAt() == null
                                    ? OffsetDateTime.now(ZoneOffset.UTC)
                                    : tx.capturedAt().atOffset(ZoneOffset.UTC))
                    .setParameter(8, tx.keyId())
                    .setParameter(9, tx.payload())
                    .setParameter(10, producer)
                    .setParameter(
                            11,
                            tx.reissuedFrom() == null ? null : tx.reissuedFrom().producer())
                    .setParameter(
                            12,
                            tx.reissuedFrom() == null ? null : tx.reissuedFrom().seq())
                    .setParameter(13, tx.signer())
                    .setParameter(14, tx.signature())
                    .executeUpdate();
            added.add(tx.txId());
        }
        return new Stored(added, seqTaken);
    }
}
