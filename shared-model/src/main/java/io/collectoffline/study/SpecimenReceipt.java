package io.collectoffline.study;

import io.collectoffline.offline.ItemReceipt;
import io.collectoffline.offline.OfflineEntity;
import io.collectoffline.offline.OfflineModel;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;

/**
 * A specimen found in hand during reconciliation, by the middleman's driver or at the lab. The identifier is what
 * was scanned, not a foreign key: a tube without a requisition must still be recorded.
 */
@Entity
@Table(name = "specimen_receipt")
@OfflineModel(
        name = "study.specimen_receipt",
        naturalKey = {"requisitionIdentifier", "stage"})
@ItemReceipt(
        item = SpecimenRequisition.class,
        identifier = "requisitionIdentifier",
        stage = "stage",
        time = "receivedDatetime",
        comment = "comment")
public class SpecimenReceipt extends OfflineEntity {

    @NotBlank
    @Size(max = 36)
    @Column(name = "requisition_identifier", nullable = false, length = 36)
    private String requisitionIdentifier;

    @NotBlank
    @Pattern(regexp = "MIDDLEMAN|LAB", message = "must be MIDDLEMAN or LAB")
    @Column(name = "stage", nullable = false, length = 10)
    private String stage;

    @NotNull
    @Column(name = "received_datetime", nullable = false)
    private OffsetDateTime receivedDatetime;

    @Size(max = 250)
    @Column(name = "comment", length = 250)
    private String comment;

    public String getRequisitionIdentifier() {
        return requisitionIdentifier;
    }

    public void setRequisitionIdentifier(String requisitionIdentifier) {
        this.requisitionIdentifier = requisitionIdentifier;
    }

    public String getStage() {
        return stage;
    }

    public void setStage(String stage) {
        this.stage = stage;
    }

    public OffsetDateTime getReceivedDatetime() {
        return receivedDatetime;
    }

    public void setReceivedDatetime(OffsetDateTime receivedDatetime) {
        this.receivedDatetime = receivedDatetime;
    }

    public String getComment() {
        return comment;
    }

    public void setComment(String comment) {
        this.comment = comment;
    }
}
