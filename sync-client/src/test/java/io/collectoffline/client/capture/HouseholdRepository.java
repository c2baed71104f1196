package io.collectoffline.client.capture;

import io.collectoffline.study.Household;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Ordinary Panache use of an offline model, as a team's own code would write it. */
@ApplicationScoped
public class HouseholdRepository implements PanacheRepositoryBase<Household, UUID> {}
