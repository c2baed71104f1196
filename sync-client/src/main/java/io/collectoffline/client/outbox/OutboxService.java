package io.collectoffline.client.outbox;

import io.collectoffline.client.capture.CaptureInstaller;
import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.offline.OfflineModelRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Reads the outbox for status and reporting; the capture trigger is the only writer of new rows. */
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

    @Transactional
    public OutboxStatus status() {
        String producer = capture.producer();
        Object[] pending = (Object[]) em.createQuery("select count(t), min(t.capturedAt) from OutgoingTransaction t "
                + "where t.deliveredAt is null").getSingleResult();
        long count = ((Number) pending[0]).longValue();
        OffsetDateTime oldest = (OffsetDateTime) pending[1];
        Long age = oldest == null ? null
                : Math.max(0, Duration.between(oldest, OffsetDateTime.now(ZoneOffset.UTC)).toSeconds());
        Number lastSeq = (Number) em.createNativeQuery("SELECT last_seq FROM producer_counter WHERE producer = ?1")
                .setParameter(1, producer).getResultStream().findFirst().orElse(0L);
        return new OutboxStatus(producer, config.role().name(), config.capture().enabled(),
                config.payload().codec(), count, oldest, age, lastSeq.longValue(), registry.models().size());
    }
}
