package io.collectoffline.client.reconciliation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.client.middleman.NotAMiddlemanException;
import io.collectoffline.client.records.RecordsService;
import io.collectoffline.protocol.ReconciliationReport;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The driver's reconciliation on a middleman: the specimens the field laptops' manifests say were drawn, against
 * the tubes the driver marks in hand. Marking writes a {@code study.specimen_receipt} (stage MIDDLEMAN) through the
 * data entry service, so it is captured and pushed like any other change.
 */
@ApplicationScoped
public class ReconciliationService {

    static final String STAGE = "MIDDLEMAN";

    private final EntityManager em;
    private final RecordsService records;
    private final ClientConfig config;

    ReconciliationService(EntityManager em, RecordsService records, ClientConfig config) {
        this.em = em;
        this.records = records;
        this.config = config;
    }

    /** Requisitioned against in hand; {@code producer} narrows the requisitions to one field laptop's manifest. */
    public ReconciliationReport report(String producer) {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<String> requisitioned = (producer == null
                    ? em.createNativeQuery("SELECT requisition_identifier FROM specimen_manifest")
                    : em.createNativeQuery("SELECT requisition_identifier FROM specimen_manifest WHERE producer = ?1")
                            .setParameter(1, producer)).setMaxResults(100_000).getResultList();
            List<String> inHand = em.createQuery("select r.requisitionIdentifier from SpecimenReceipt r "
                    + "where r.stage = :stage", String.class).setParameter("stage", STAGE).setMaxResults(100_000)
                    .getResultList();
            return ReconciliationReport.of(STAGE, requisitioned, inHand);
        });
    }

    /** Marks a scanned tube in hand; only a middleman reconciles (a field laptop holds no driver's cool box). */
    public JsonNode markInHand(String requisitionIdentifier, String comment, String user) {
        if (config.role() != ClientConfig.Role.middleman) {
            throw new NotAMiddlemanException("This laptop is a " + config.role() + " laptop; tubes are marked in "
                    + "hand on the middleman (sync.client.role=middleman)");
        }
        ObjectNode receipt = JsonNodeFactory.instance.objectNode();
        receipt.put("requisitionIdentifier", requisitionIdentifier);
        receipt.put("stage", STAGE);
        receipt.put("receivedDatetime", io.collectoffline.protocol.Rfc3339.format(OffsetDateTime.now(ZoneOffset.UTC)));
        if (comment != null) {
            receipt.put("comment", comment);
        }
        return records.create("study.specimen_receipt", receipt, user);
    }
}
