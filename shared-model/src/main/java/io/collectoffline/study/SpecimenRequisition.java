package io.collectoffline.study;

import io.collectoffline.offline.OfflineEntity;
import io.collectoffline.offline.OfflineModel;
import io.collectoffline.offline.RefersTo;
import io.collectoffline.offline.TrackedItem;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A specimen requested at a visit; its identifier is on the tube's label. */
@Entity
@Table(name = "specimen_requisition")
@OfflineModel(name = "study.specimen_requisition", naturalKey = "requisitionIdentifier")
@TrackedItem(
        identifier = "requisitionIdentifier",
        ready = "drawn",
        manifest = {"panel", "drawnDatetime", "subjectVisitId.visitCode"})
public class SpecimenRequisition extends OfflineEntity {

    @NotBlank
    @Pattern(regexp = "[A-Z0-9-]{3,36}", message = "must be 3 to 36 capital letters, digits or '-'")
    @Column(name = "requisition_identifier", nullable = false, length = 36)
    private String requisitionIdentifier;

    @NotNull
    @RefersTo(SubjectVisit.class)
    @Column(name = "subject_visit_id", nullable = false)
    private UUID subjectVisitId;

    @NotBlank
    @Pattern(regexp = "[a-z][a-z0-9_]{1,24}", message = "must be a lower-case panel name such as cd4 or viral_load")
    @Column(name = "panel", nullable = false, length = 25)
    private String panel;

    @Column(name = "is_drawn", nullable = false)
    private boolean drawn;

    @Column(name = "drawn_datetime")
    private OffsetDateTime drawnDatetime;

    public String getRequisitionIdentifier() {
        return requisitionIdentifier;
    }

    public void setRequisitionIdentifier(String requisitionIdentifier) {
        this.requisitionIdentifier = requisitionIdentifier;
    }

    public UUID getSubjectVisitId() {
        return subjectVisitId;
    }

    public void setSubjectVisitId(UUID subjectVisitId) {
        this.subjectVisitId = subjectVisitId;
    }

    public String getPanel() {
        return panel;
    }

    public void setPanel(String panel) {
        this.panel = panel;
    }

    public boolean isDrawn() {
        return drawn;
    }

    public void setDrawn(boolean drawn) {
        this.drawn = drawn;
    }

    public OffsetDateTime getDrawnDatetime() {
        return drawnDatetime;
    }

    public void setDrawnDatetime(OffsetDateTime drawnDatetime) {
        this.drawnDatetime = drawnDatetime;
    }
}
