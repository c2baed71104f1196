package io.collectoffline.study;

import io.collectoffline.offline.OfflineEntity;
import io.collectoffline.offline.OfflineModel;
import io.collectoffline.offline.RefersTo;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One scheduled or unscheduled visit of a subject, identified by the subject and the visit code. */
@Entity
@Table(name = "subject_visit")
@OfflineModel(
        name = "study.subject_visit",
        naturalKey = {"subjectId", "visitCode"})
public class SubjectVisit extends OfflineEntity {

    @NotNull
    @RefersTo(Subject.class)
    @Column(name = "subject_id", nullable = false)
    private UUID subjectId;

    @NotBlank
    @Pattern(regexp = "[0-9]{4}(\\.[0-9])?", message = "must look like 1000 or 1000.1")
    @Column(name = "visit_code", nullable = false, length = 10)
    private String visitCode;

    @NotNull
    @Column(name = "visit_datetime", nullable = false)
    private OffsetDateTime visitDatetime;

    @Size(max = 25)
    @Column(name = "reason", length = 25)
    private String reason;

    public UUID getSubjectId() {
        return subjectId;
    }

    public void setSubjectId(UUID subjectId) {
        this.subjectId = subjectId;
    }

    public String getVisitCode() {
        return visitCode;
    }

    public void setVisitCode(String visitCode) {
        this.visitCode = visitCode;
    }

    public OffsetDateTime getVisitDatetime() {
        return visitDatetime;
    }

    public void setVisitDatetime(OffsetDateTime visitDatetime) {
        this.visitDatetime = visitDatetime;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }
}
