package io.collectoffline.study;

import io.collectoffline.offline.OfflineEntity;
import io.collectoffline.offline.OfflineModel;
import io.collectoffline.offline.RefersTo;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A case report form: the vital signs measured at a visit, at most one per visit. Schema version 2 added the report
 * date and time, the heart rate and a comment ({@link VitalSignsV1Upcaster}).
 */
@Entity
@Table(name = "vital_signs")
@OfflineModel(name = "study.vital_signs", naturalKey = "subjectVisitId", schemaVersion = 2) // 1: VitalSignsV1Upcaster
public class VitalSigns extends OfflineEntity {

    @NotNull
    @RefersTo(SubjectVisit.class)
    @Column(name = "subject_visit_id", nullable = false)
    private UUID subjectVisitId;

    /** When the measurements were taken; unknown (null) only on forms of schema version 1. */
    @NotNull
    @Column(name = "report_datetime")
    private OffsetDateTime reportDatetime;

    @DecimalMin("0.5")
    @DecimalMax("350.0")
    @Column(name = "weight_kg", precision = 5, scale = 1)
    private BigDecimal weightKg;

    @DecimalMin("20.0")
    @DecimalMax("250.0")
    @Column(name = "height_cm", precision = 5, scale = 1)
    private BigDecimal heightCm;

    @Min(40)
    @Max(300)
    @Column(name = "systolic_bp")
    private Integer systolicBp;

    @Min(20)
    @Max(200)
    @Column(name = "diastolic_bp")
    private Integer diastolicBp;

    @DecimalMin("30.0")
    @DecimalMax("45.0")
    @Column(name = "temperature_c", precision = 4, scale = 1)
    private BigDecimal temperatureC;

    @Min(20)
    @Max(250)
    @Column(name = "heart_rate")
    private Integer heartRate;

    @Size(max = 250)
    @Column(name = "comments", length = 250)
    private String comments;

    public UUID getSubjectVisitId() {
        return subjectVisitId;
    }

    public void setSubjectVisitId(UUID subjectVisitId) {
        this.subjectVisitId = subjectVisitId;
    }

    public BigDecimal getWeightKg() {
        return weightKg;
    }

    public void setWeightKg(BigDecimal weightKg) {
        this.weightKg = weightKg;
    }

    public BigDecimal getHeightCm() {
        return heightCm;
    }

    public void setHeightCm(BigDecimal heightCm) {
        this.heightCm = heightCm;
    }

    public Integer getSystolicBp() {
        return systolicBp;
    }

    public void setSystolicBp(Integer systolicBp) {
        this.systolicBp = systolicBp;
    }

    public Integer getDiastolicBp() {
        return diastolicBp;
    }

    public void setDiastolicBp(Integer diastolicBp) {
        this.diastolicBp = diastolicBp;
    }

    public BigDecimal getTemperatureC() {
        return temperatureC;
    }

    public void setTemperatureC(BigDecimal temperatureC) {
        this.temperatureC = temperatureC;
    }

    public OffsetDateTime getReportDatetime() {
        return reportDatetime;
    }

    public void setReportDatetime(OffsetDateTime reportDatetime) {
        this.reportDatetime = reportDatetime;
    }

    public Integer getHeartRate() {
        return heartRate;
    }

    public void setHeartRate(Integer heartRate) {
        this.heartRate = heartRate;
    }

    public String getComments() {
        return comments;
    }

    public void setComments(String comments) {
        this.comments = comments;
    }
}
