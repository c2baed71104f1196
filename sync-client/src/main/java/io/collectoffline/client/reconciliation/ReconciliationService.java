package io.collectoffline.client.reconciliation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.client.middleman.NotAMiddlemanException;
import io.collectoffline.client.records.RecordsService;
import io.collectoffline.offline.OfflineModelRegistry;
import io.collectoffline.offline.TrackedItems;
import io.collectoffline.protocol.ReconciliationReport;
import io.collectoffline.protocol.Rfc3339;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The driver's reconciliation on a middleman: the items the field laptops' manifests say are ready (drawn
 * specimens in the example study), against the items the driver marks in hand. Marking writes a record of the study's
 * {@link io.collectoffline.offline.ItemReceipt} model (stage MIDDLEMAN) through the data entry service, so it is
 * captured and pushed like any other change. Which tables and fields these are comes from the model metadata
 * ({@link TrackedItems}); a study that tracks no items has no reconciliation.
 */
@ApplicationScoped
public class ReconciliationService {

    static final String STAGE = "MIDDLEMAN";

    private final EntityManager em;
    private final RecordsService records;
    private final ClientConfig config;
    private final OfflineModelRegistry registry;

    ReconciliationService(
            EntityManager em, RecordsService records, ClientConfig config, OfflineModelRegistry registry) {
        this.em = em;
        this.records = records;
        this.config = config;
        this.registry = registry;
    }

    /** Ready against in hand; {@code producer} narrows the ready items to one field laptop's manifest. */
    public ReconciliationReport report(String producer) {
        TrackedItems items = registry.requireTrackedItems();
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<String> requisitioned = (producer == null
                            ? em.createNativeQuery("SELECT identifier FROM item_manifest")
                            : em.createNativeQuery("SELECT identifier FROM item_manifest WHERE producer = ?1")
                                    .setParameter(1, producer))
                    .setMaxResults(TrackedItems.REPORT_MAX)
                    .getResultList();
            @SuppressWarnings("unchecked")
            List<String> inHand = em.createNativeQuery(items.inHandSql())
                    .setParameter(1, STAGE)
                    .setMaxResults(TrackedItems.REPORT_MAX)
                    .getResultList();
            if (requisitioned.size() == TrackedItems.REPORT_MAX || inHand.size() == TrackedItems.REPORT_MAX) {
                Log.warnf("The reconciliation read the first %d identifiers of one side only", TrackedItems.REPORT_MAX);
            }
            return ReconciliationReport.of(STAGE, requisitioned, inHand);
        });
    }

    /** Marks a scanned item in hand; only a middleman reconciles (a field laptop holds no driver's cool box). */
    public JsonNode markInHand(String identifier, String comment, String user) {
        if (config.role() != ClientConfig.Role.middleman) {
            throw new NotAMiddlemanException("This laptop is a " + config.role() + " laptop; tubes are marked in "
                    + "hand on the middleman (sync.client.role=middleman)");
        }
        TrackedItems items = registry.requireTrackedItems();
        ObjectNode receipt = JsonNodeFactory.instance.objectNode();
        receipt.put(items.receiptIdentifier(), identifier);
        receipt.put(items.stage(), STAGE);
        receipt.put(items.time(), Rfc3339.format(OffsetDateTime.now(ZoneOffset.UTC)));
        if (comment != null && items.comment() != null) {
            receipt.put(items.comment(), comment);
        }
        return records.create(items.receipt().name(), receipt, user);
    }
}
