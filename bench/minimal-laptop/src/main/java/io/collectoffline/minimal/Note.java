package io.collectoffline.minimal;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.validation.constraints.NotBlank;
import java.util.UUID;

/** The minimal app's one entity. */
@Entity
@Table(name = "note")
public class Note extends PanacheEntityBase {

    @Id
    public UUID id;

    @NotBlank
    public String text;
}
