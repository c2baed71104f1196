package io.collectoffline.study;

import io.collectoffline.offline.OfflineEntity;
import io.collectoffline.offline.OfflineModel;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.PastOrPresent;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;

/** A household enumerated by a research assistant; its identifier is printed on the household's card. */
@Entity
@Table(name = "household")
@OfflineModel(name = "study.household", naturalKey = "householdIdentifier", schemaVersion = 2) // 1: HouseholdV1Upcaster
public class Household extends OfflineEntity {

    @NotBlank
    @Pattern(regexp = "[A-Z0-9-]{3,36}", message = "must be 3 to 36 capital letters, digits or '-'")
    @Column(name = "household_identifier", nullable = false, length = 36)
    private String householdIdentifier;

    @Size(max = 100)
    @Column(name = "village", length = 100)
    private String village;

    @PastOrPresent
    @Column(name = "enumeration_date")
    private LocalDate enumerationDate;

    public String getHouseholdIdentifier() {
        return householdIdentifier;
    }

    public void setHouseholdIdentifier(String householdIdentifier) {
        this.householdIdentifier = householdIdentifier;
    }

    public String getVillage() {
        return village;
    }

    public void setVillage(String village) {
        this.village = village;
    }

    public LocalDate getEnumerationDate() {
        return enumerationDate;
    }

    public void setEnumerationDate(LocalDate enumerationDate) {
        this.enumerationDate = enumerationDate;
    }
}
