package io.collectoffline.study;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.offline.Upcaster;

/**
 * Household payloads of schema version 1 → 2. Version 1 (the first enumeration round's form) named the village
 * column {@code village_name} and had no enumeration date; version 2 renamed the column to {@code village} and
 * added {@code enumeration_date}, unknown (null) for households enumerated with the old form.
 */
public final class HouseholdV1Upcaster implements Upcaster {

    @Override
    public String model() {
        return "study.household";
    }

    @Override
    public int fromVersion() {
        return 1;
    }

    @Override
    public void upcast(ObjectNode fields) {
        if (fields.has("village_name")) {
            fields.set("village", fields.remove("village_name"));
        }
        if (!fields.has("enumeration_date")) {
            fields.putNull("enumeration_date");
        }
    }
}
