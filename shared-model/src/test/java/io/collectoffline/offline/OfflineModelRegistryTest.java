package io.collectoffline.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.collectoffline.study.Household;
import io.collectoffline.study.SpecimenReceipt;
import io.collectoffline.study.SpecimenRequisition;
import io.collectoffline.study.Subject;
import io.collectoffline.study.SubjectVisit;
import io.collectoffline.study.VitalSigns;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OfflineModelRegistryTest {

    static final List<Class<?>> STUDY = List.of(
            Household.class,
            Subject.class,
            SubjectVisit.class,
            VitalSigns.class,
            SpecimenRequisition.class,
            SpecimenReceipt.class,
            io.collectoffline.study.VisitDefinition.class);

    @Entity
    @Table(name = "local_note")
    static class LocalNote {
        @Id
        Long id;
    }

    @Entity
    @Table(name = "long_pk")
    @OfflineModel(name = "test.long_pk", naturalKey = "code")
    static class LongPrimaryKey {
        @Id
        @Column(name = "id")
        Long id;

        @Column(name = "code")
        String code;
    }

    @Entity
    @Table(name = "no_pk")
    @OfflineModel(name = "test.no_pk", naturalKey = "code")
    static class NoPrimaryKey {
        @Column(name = "code")
        String code;
    }

    @Entity
    @Table(name = "no_key")
    @OfflineModel(
            name = "test.no_key",
            naturalKey = {})
    static class NoNaturalKey extends OfflineEntity {
        @Column(name = "code")
        String code;
    }

    @Entity
    @Table(name = "missing_field")
    @OfflineModel(name = "test.missing_field", naturalKey = "kode")
    static class MissingKeyField extends OfflineEntity {
        @Column(name = "code")
        String code;
    }

    @Entity
    @Table(name = "no_audit")
    @OfflineModel(name = "test.no_audit", naturalKey = "code")
    static class NoAuditFields {
        @Id
        @Column(name = "id")
        UUID id;

        @Column(name = "code")
        String code;
    }

    @Entity
    @OfflineModel(name = "test.no_table", naturalKey = "code")
    static class NoTableName extends OfflineEntity {
        @Column(name = "code")
        String code;
    }

    @Entity
    @Table(name = "bad_name")
    @OfflineModel(name = "BadName", naturalKey = "code")
    static class BadName extends OfflineEntity {
        @Column(name = "code")
        String code;
    }

    @Entity
    @Table(name = "dangling")
    @OfflineModel(name = "test.dangling", naturalKey = "code")
    static class DanglingReference extends OfflineEntity {
        @Column(name = "code")
        String code;

        @RefersTo(Household.class)
        @Column(name = "household_id")
        UUID householdId;
    }

    @Entity
    @Table(name = "twice")
    @OfflineModel(name = "study.household", naturalKey = "code")
    static class SameNameTwice extends OfflineEntity {
        @Column(name = "code")
        String code;
    }

    @Test
    void studyDomainRegistersEveryModelWithItsNaturalKeyAndReferences() {
        OfflineModelRegistry registry = OfflineModelRegistry.of(STUDY);

        assertThat(registry.models())
                .extracting(ModelDescriptor::name)
                .containsExactly(
                        "study.household",
                        "study.specimen_receipt",
                        "study.specimen_requisition",
                        "study.subject",
                        "study.subject_visit",
                        "study.visit_definition",
                        "study.vital_signs");
        ModelDescriptor visit = registry.require("study.subject_visit");
        assertThat(visit.table()).isEqualTo("subject_visit");
        assertThat(visit.naturalKeyColumns()).containsExactly("subject_id", "visit_code");
        assertThat(visit.references()).containsEntry("subjectId", "study.subject");
        assertThat(registry.forTable("SUBJECT")).map(ModelDescriptor::name).contains("study.subject");
        assertThat(registry.require("study.visit_definition").reference()).isTrue();
        assertThat(visit.reference()).isFalse();
    }

    @Test
    void studyModelsArePublishedForNodesWithoutAJpaMetamodel() {
        assertThat(OfflineModelSet.discover()).containsExactlyInAnyOrderElementsOf(STUDY);
    }

    @Test
    void entitiesWithoutTheAnnotationAreListedAsNotOffline() {
        OfflineModelRegistry registry = OfflineModelRegistry.of(List.of(Household.class, LocalNote.class));

        assertThat(registry.notOffline()).containsExactly(LocalNote.class);
        assertThat(registry.find("test.local_note")).isEmpty();
    }

    @Test
    void unknownModelNameIsRefusedByName() {
        OfflineModelRegistry registry = OfflineModelRegistry.of(STUDY);

        assertThatThrownBy(() -> registry.require("study.nope"))
                .isInstanceOf(UnknownModelException.class)
                .hasMessageContaining("study.nope");
    }

    @Test
    void primaryKeyThatIsNotUuidIsRefusedNamingTheModel() {
        assertProblem(
                LongPrimaryKey.class,
                "offline model test.long_pk",
                "primary key 'id' is Long",
                "must be java.util.UUID");
    }

    @Test
    void missingPrimaryKeyIsRefused() {
        assertProblem(NoPrimaryKey.class, "offline model test.no_pk", "has no @Id primary key");
    }

    @Test
    void missingNaturalKeyIsRefused() {
        assertProblem(NoNaturalKey.class, "offline model test.no_key", "has no natural key");
    }

    @Test
    void naturalKeyNamingAnAbsentFieldIsRefused() {
        assertProblem(
                MissingKeyField.class, "offline model test.missing_field", "natural key field 'kode' does not exist");
    }

    @Test
    void modelWithoutAuditFieldsIsRefused() {
        assertProblem(NoAuditFields.class, "offline model test.no_audit", "does not extend", "audit fields");
    }

    @Test
    void modelWithoutExplicitTableIsRefused() {
        assertProblem(NoTableName.class, "offline model test.no_table", "no explicit @Table");
    }

    @Test
    void malformedModelNameIsRefused() {
        assertProblem(BadName.class, "offline model BadName", "lower snake case");
    }

    @Test
    void foreignKeyToAModelOutsideTheApplicationIsRefused() {
        assertProblem(
                DanglingReference.class,
                "offline model test.dangling",
                "foreign key 'householdId'",
                "not an entity of this application");
    }

    @Test
    void sameModelNameDeclaredTwiceIsRefused() {
        assertThatThrownBy(() -> OfflineModelRegistry.of(List.of(Household.class, SameNameTwice.class)))
                .isInstanceOf(InvalidOfflineModelException.class)
                .hasMessageContaining("study.household is declared twice");
    }

    @Test
    void everyProblemIsReportedTogether() {
        InvalidOfflineModelException error =
                (InvalidOfflineModelException) org.assertj.core.api.Assertions.catchThrowable(
                        () -> OfflineModelRegistry.of(List.of(LongPrimaryKey.class, NoNaturalKey.class)));

        assertThat(error.problems()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(error.getMessage()).contains("test.long_pk").contains("test.no_key");
    }

    private static void assertProblem(Class<?> model, String... fragments) {
        assertThatThrownBy(() -> OfflineModelRegistry.of(List.of(model)))
                .isInstanceOf(InvalidOfflineModelException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(fragments));
    }
}
