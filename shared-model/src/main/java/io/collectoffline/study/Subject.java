package io.collectoffline.study;

import io.collectoffline.offline.OfflineEntity;
import io.collectoffline.offline.OfflineModel;
import io.collectoffline.offline.RefersTo;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Past;
import jakarta.validation.constraints.Pattern;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A consented study participant, member of a household. */
@Entity
@Table(name = "subject")
@OfflineModel(name = "study.subject", naturalKey = "subjectIdentifier")
public class Subject extends OfflineEntity {

    @NotBlank
    @Pattern(regexp = "[A-Z0-9-]{3,36}", message = "must be 3 to 36 capital letters, digits or '-'")
    @Column(name = "subject_identifier", nullable = false, length = 36)
    private String subjectIdentifier;

    @NotNull
    @RefersTo(Household.class)
    @Column(name = "household_id", nullable = false)
    private UUID householdId;

    @Pattern(regexp = "[A-Z]{2,3}", message = "must be 2 or 3 capital letters")
    @Column(name = "initials", length = 3)
    private String initials;

    @NotNull
    @Pattern(regexp = "[MFO]", message = "must be M, F or O")
    @Column(name = "gender", nullable = false, length = 1)
    private String gender;

    @Past
    @Column(name = "dob")
    private LocalDate dob;

    @NotNull
    @Column(name = "consent_datetime", nullable = false)
    private OffsetDateTime consentDatetime;

    public String getSubjectIdentifier() {
        return subjectIdentifier;
    }

    public void setSubjectIdentifier(String subjectIdentifier) {
        this.subjectIdentifier = subjectIdentifier;
    }

    public UUID getHouseholdId() {
        return householdId;
    }

    public void setHouseholdId(UUID householdId) {
        this.householdId = householdId;
    }

    public String getInitials() {
        return initials;
    }

    public void setInitials(String initials) {
        this.initials = initials;
    }

    public String getGender() {
        return gender;
    }

    public void setGender(String gender) {
        this.gender = gender;
    }

    public LocalDate getDob() {
        return dob;
    }

    public void setDob(LocalDate dob) {
        this.dob = dob;
    }

    public OffsetDateTime getConsentDatetime() {
        return consentDatetime;
    }

    public void setConsentDatetime(OffsetDateTime consentDatetime) {
        this.consentDatetime = consentDatetime;
    }
}
