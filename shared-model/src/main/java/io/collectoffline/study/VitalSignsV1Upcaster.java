package io.collectoffline.study;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.offline.Upcaster;

/**
 * Vital signs payloads of schema version 1 → 2. Version 2 added the report date and time, the heart rate and a
 * comment; a form filled in with version 1 had none of them, so they are unknown (null).
 */
public final class VitalSignsV1Upcaster implements Upcaster {

    @Override
    public String model() {
        return "study.vital_signs";
    }

    @Override
    public int fromVersion() {
        return 1;
    }

    @Override
    public void upcast(ObjectNode fields) {
        for (String added : new String[] {"report_datetime", "heart_rate", "comments"}) {
            if (!fields.has(added)) {
                fields.putNull(added);
            }
        }
    }
}
