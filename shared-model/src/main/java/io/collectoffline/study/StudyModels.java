package io.collectoffline.study;

import io.collectoffline.offline.OfflineEntity;
import io.collectoffline.offline.OfflineModelSet;
import io.collectoffline.offline.Upcaster;
import java.util.List;

/** Publishes the example study domain's offline models. */
public final class StudyModels implements OfflineModelSet {

    @Override
    public List<Class<? extends OfflineEntity>> models() {
        return List.of(
                Household.class,
                Subject.class,
                SubjectVisit.class,
                VitalSigns.class,
                SpecimenRequisition.class,
                SpecimenReceipt.class,
                VisitDefinition.class);
    }

    @Override
    public List<Upcaster> upcasters() {
        return List.of(new HouseholdV1Upcaster(), new VitalSignsV1Upcaster());
    }
}
