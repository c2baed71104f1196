package io.collectoffline.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.collectoffline.study.SpecimenReceipt;
import io.collectoffline.study.SpecimenRequisition;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The manifest and the reconciliation are driven by model metadata (issue 16 item 7): the tracked model, its
 * identifier, ready flag and manifest fields, and the receipt model come from {@link TrackedItem} and
 * {@link ItemReceipt}; the SQL the apps run is built from the registry, naming no study table itself.
 */
class TrackedItemsTest {

    @Entity
    @Table(name = "parcel")
    @OfflineModel(name = "test.parcel", naturalKey = "label")
    @TrackedItem(
            identifier = "label",
            ready = "sealed",
            manifest = {"weight", "nosuch.field", "colour"})
    static class Parcel extends OfflineEntity {
        @Column(name = "label")
        String label;

        @Column(name = "is_sealed")
        boolean sealed;

        @Column(name = "weight")
        Integer weight;
    }

    @Entity
    @Table(name = "parcel_seen")
    @OfflineModel(
            name = "test.parcel_seen",
            naturalKey = {"label", "stage"})
    @ItemReceipt(item = Parcel.class, identifier = "label", stage = "stage", time = "seenAt")
    static class ParcelSeen extends OfflineEntity {
        @Column(name = "label")
        String label;

        @Column(name = "stage")
        String stage;
    }

    @Test
    void theStudysTrackedItemsComeFromItsAnnotations() {
        TrackedItems items = TrackedItems.of(OfflineModelRegistry.of(OfflineModelRegistryTest.STUDY))
                .orElseThrow();

        assertThat(items.item().entityClass()).isEqualTo(SpecimenRequisition.class);
        assertThat(items.receipt().entityClass()).isEqualTo(SpecimenReceipt.class);
        assertThat(items.manifestNames())
                .containsExactly("requisitionIdentifier", "panel", "drawnDatetime", "visitCode");
        assertThat(items.manifestSql())
                .isEqualTo("SELECT t.requisition_identifier, t.panel, t.drawn_datetime, "
                        + "r1.visit_code FROM specimen_requisition t LEFT JOIN subject_visit r1 ON r1.id = "
                        + "t.subject_visit_id "
                        + "WHERE t.is_drawn = TRUE ORDER BY t.requisition_identifier");
        assertThat(items.inHandSql()).isEqualTo("SELECT requisition_identifier FROM specimen_receipt WHERE stage = ?");
    }

    @Test
    void theBuiltSqlRunsAndAnEntryNamesEachValue() throws SQLException {
        TrackedItems items = TrackedItems.of(OfflineModelRegistry.of(OfflineModelRegistryTest.STUDY))
                .orElseThrow();
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:tracked;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE subject_visit (id UUID PRIMARY KEY, visit_code VARCHAR(10))");
            s.execute("CREATE TABLE specimen_requisition (id UUID PRIMARY KEY, requisition_identifier VARCHAR(36), "
                    + "panel VARCHAR(25), drawn_datetime TIMESTAMP WITH TIME ZONE, is_drawn BOOLEAN, "
                    + "subject_visit_id UUID)");
            s.execute("INSERT INTO subject_visit VALUES ('00000000-0000-0000-0000-000000000001', '2000')");
            s.execute("INSERT INTO specimen_requisition VALUES ('00000000-0000-0000-0000-000000000002', 'REQ-2', "
                    + "'cd4', TIMESTAMP WITH TIME ZONE '2026-12-05 10:00:00+00', TRUE, "
                    + "'00000000-0000-0000-0000-000000000001')");
            s.execute("INSERT INTO specimen_requisition VALUES ('00000000-0000-0000-0000-000000000003', 'NOTDRAWN', "
                    + "'cd4', NULL, FALSE, '00000000-0000-0000-0000-000000000001')");
            List<Object[]> rows = new ArrayList<>();
            try (var rs = s.executeQuery(items.manifestSql())) {
                while (rs.next()) {
                    rows.add(new Object[] {
                        rs.getString(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class), rs.getString(4)
                    });
                }
            }
            assertThat(rows).hasSize(1);
            var entry = items.entry(rows.get(0));
            assertThat(entry.toString())
                    .isEqualTo("{\"requisitionIdentifier\":\"REQ-2\",\"panel\":\"cd4\","
                            + "\"drawnDatetime\":\"2026-12-05T10:00:00.000000Z\",\"visitCode\":\"2000\"}");
            assertThat(items.identifierOf(entry)).isEqualTo("REQ-2");
        }
    }

    @Test
    void annotationsNamingFieldsTheModelsLackAreRefusedAtStartWithEachProblem() {
        OfflineModelRegistry registry = OfflineModelRegistry.of(List.of(Parcel.class, ParcelSeen.class));

        assertThatThrownBy(() -> TrackedItems.of(registry))
                .isInstanceOf(InvalidOfflineModelException.class)
                .hasMessageContaining("'nosuch.field'")
                .hasMessageContaining("no field 'colour'")
                .hasMessageContaining("no field 'seenAt'");
    }

    @Test
    void aStudyWithoutTrackedItemsHasNone() {
        assertThat(TrackedItems.of(OfflineModelRegistry.of(List.of(OfflineModelRegistryTest.STUDY.get(0)))))
                .isEmpty();
    }
}
