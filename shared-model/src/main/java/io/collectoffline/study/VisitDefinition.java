package io.collectoffline.study;

import io.collectoffline.offline.OfflineEntity;
import io.collectoffline.offline.OfflineModel;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * One visit of the study's schedule (a lookup list): the code visits are entered under, what it is called and when
 * it falls due. A reference model: every device of the study receives the schedule with its down-sync.
 */
@Entity
@Table(name = "visit_definition")
@OfflineModel(name = "study.visit_definition", naturalKey = "visitCode", reference = true)
public class VisitDefinition extends OfflineEntity {

    @NotBlank
    @Pattern(regexp = "[0-9]{4}(\\.[0-9])?", message = "must look like 1000 or 1000.1")
    @Column(name = "visit_code", nullable = false, length = 10)
    private String visitCode;

    @NotBlank
    @Size(max = 100)
    @Column(name = "title", nullable = false, length = 100)
    private String title;

    @NotNull
    @Min(0)
    @Max(3650)
    @Column(name = "days_after_enrolment", nullable = false)
    private Integer daysAfterEnrolment;

    public String getVisitCode() {
        return visitCode;
    }

    public void setVisitCode(String visitCode) {
        this.visitCode = visitCode;
    }

    public String getTitle() {
        return title;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    public Integer getDaysAfterEnrolment() {
        return daysAfterEnrolment;
    }

    public void setDaysAfterEnrolment(Integer daysAfterEnrolment) {
        this.daysAfterEnrolment = daysAfterEnrolment;
    }
}
