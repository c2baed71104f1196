package io.collectoffline.e2e;

import io.collectoffline.testing.OfflineModelConformanceTest;
import io.collectoffline.testing.OfflineModelConformanceTest.Laptop;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/**
 * The study domain's seven models checked with the conformance base class a team extends for its own models (README,
 * "Add your own model"). One laptop and one server (embedded H2) serve all six.
 */
class StudyModelsConformanceIT {

    private static String household(Laptop laptop) throws Exception {
        return laptop.create("study.household", Map.of("householdIdentifier", unique("HH"), "village", "Oodi"))
                .path("id")
                .asText();
    }

    private static String subject(Laptop laptop) throws Exception {
        return laptop.create(
                        "study.subject",
                        Map.of(
                                "subjectIdentifier",
                                unique("S"),
                                "householdId",
                                household(laptop),
                                "gender",
                                "F",
                                "consentDatetime",
                                "2026-11-27T09:00:00Z"))
                .path("id")
                .asText();
    }

    private static String visit(Laptop laptop) throws Exception {
        return laptop.create(
                        "study.subject_visit",
                        Map.of(
                                "subjectId",
                                subject(laptop),
                                "visitCode",
                                "1000",
                                "visitDatetime",
                                "2026-11-27T10:00:00Z"))
                .path("id")
                .asText();
    }

    private static String unique(String prefix) {
        return prefix + "-"
                + java.util.UUID.randomUUID().toString().substring(0, 8).toUpperCase(java.util.Locale.ROOT);
    }

    private static Map.Entry<String, Object> change(String field, Object value) {
        return Map.entry(field, value);
    }

    @Nested
    class Household extends OfflineModelConformanceTest {
        @Override
        protected String model() {
            return "study.household";
        }

        @Override
        protected Map<String, Object> newRecord(Laptop laptop) {
            return Map.of("householdIdentifier", unique("HH"), "village", "Oodi", "enumerationDate", "2026-11-20");
        }

        @Override
        protected Map.Entry<String, Object> aChange() {
            return change("village", "Gabane");
        }
    }

    @Nested
    class Subject extends OfflineModelConformanceTest {
        @Override
        protected String model() {
            return "study.subject";
        }

        @Override
        protected Map<String, Object> newRecord(Laptop laptop) throws Exception {
            return Map.of(
                    "subjectIdentifier",
                    unique("S"),
                    "householdId",
                    household(laptop),
                    "gender",
                    "F",
                    "initials",
                    "KM",
                    "dob",
                    "1991-04-05",
                    "consentDatetime",
                    "2026-11-27T09:00:00Z");
        }

        @Override
        protected Map.Entry<String, Object> aChange() {
            return change("initials", "KMS");
        }
    }

    @Nested
    class SubjectVisit extends OfflineModelConformanceTest {
        @Override
        protected String model() {
            return "study.subject_visit";
        }

        @Override
        protected Map<String, Object> newRecord(Laptop laptop) throws Exception {
            return Map.of(
                    "subjectId",
                    subject(laptop),
                    "visitCode",
                    "1000",
                    "visitDatetime",
                    "2026-11-27T10:00:00Z",
                    "reason",
                    "scheduled");
        }

        @Override
        protected Map.Entry<String, Object> aChange() {
            return change("reason", "unscheduled");
        }
    }

    @Nested
    class VitalSigns extends OfflineModelConformanceTest {
        @Override
        protected String model() {
            return "study.vital_signs";
        }

        @Override
        protected Map<String, Object> newRecord(Laptop laptop) throws Exception {
            return Map.of(
                    "subjectVisitId",
                    visit(laptop),
                    "reportDatetime",
                    "2026-11-27T09:40:00Z",
                    "weightKg",
                    61.5,
                    "heightCm",
                    164.0,
                    "systolicBp",
                    118,
                    "diastolicBp",
                    76,
                    "temperatureC",
                    36.8,
                    "heartRate",
                    72,
                    "comments",
                    "Measured seated after five minutes' rest.");
        }

        @Override
        protected Map.Entry<String, Object> aChange() {
            return change("systolicBp", 121);
        }
    }

    @Nested
    class SpecimenRequisition extends OfflineModelConformanceTest {
        @Override
        protected String model() {
            return "study.specimen_requisition";
        }

        @Override
        protected Map<String, Object> newRecord(Laptop laptop) throws Exception {
            return Map.of(
                    "requisitionIdentifier",
                    unique("RQ"),
                    "subjectVisitId",
                    visit(laptop),
                    "panel",
                    "cd4",
                    "drawn",
                    true,
                    "drawnDatetime",
                    "2026-11-27T10:30:00Z");
        }

        @Override
        protected Map.Entry<String, Object> aChange() {
            return change("panel", "viral_load");
        }
    }

    @Nested
    class SpecimenReceipt extends OfflineModelConformanceTest {
        @Override
        protected String model() {
            return "study.specimen_receipt";
        }

        @Override
        protected Map<String, Object> newRecord(Laptop laptop) {
            return Map.of(
                    "requisitionIdentifier",
                    unique("RQ"),
                    "stage",
                    "LAB",
                    "receivedDatetime",
                    "2026-11-27T12:00:00Z",
                    "comment",
                    "cool box intact");
        }

        @Override
        protected Map.Entry<String, Object> aChange() {
            return change("comment", "re-labelled");
        }
    }

    @Nested
    class VisitDefinition extends OfflineModelConformanceTest {
        @Override
        protected String model() {
            return "study.visit_definition";
        }

        @Override
        protected Map<String, Object> newRecord(Laptop laptop) {
            java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
            String code = String.format("%04d.%d", random.nextInt(10_000), random.nextInt(10));
            return Map.of("visitCode", code, "title", "Month 6", "daysAfterEnrolment", 182);
        }

        @Override
        protected Map.Entry<String, Object> aChange() {
            return change("title", "Month 6 (window 14 days)");
        }
    }
}
