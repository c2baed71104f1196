package io.collectoffline.protocol;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * The plaintext list of specimens a field laptop requisitioned and drew, offered with a pull so that the driver
 * can check the tubes in hand. Deliberately free of participant-identifying data.
 *
 * @param producer     the field laptop's device id
 * @param requisitions drawn requisitions
 */
public record SpecimenManifest(String producer, List<Entry> requisitions) {

    /**
     * One drawn specimen.
     *
     * @param requisitionIdentifier the identifier on the tube's label
     * @param panel                 what it is for
     * @param drawnDatetime         when it was drawn
     * @param visitCode             the visit it was drawn at
     */
    public record Entry(String requisitionIdentifier, String panel, OffsetDateTime drawnDatetime, String visitCode) {
    }
}
