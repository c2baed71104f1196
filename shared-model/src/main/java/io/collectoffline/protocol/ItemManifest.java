package io.collectoffline.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The plaintext list of tracked items (a study's {@link io.collectoffline.offline.TrackedItem} model: specimen
 * tubes in the example study) a field laptop holds ready, offered with a pull so that the driver can check the items
 * in hand. Each entry holds the item's identifier and the manifest fields the model declares, by field name; never
 * participant-identifying data.
 *
 * @param producer the field laptop's device id
 * @param items    one entry per ready item, in identifier order; {@code requisitions} on the wire, the name laptops
 *                 of earlier versions send and read
 */
public record ItemManifest(
        String producer, @JsonProperty("requisitions") List<ObjectNode> items) {

    /** The most items a manifest lists; a field laptop offers no more, a middleman stores no more. */
    public static final int MAX_ITEMS = 10_000;

    public ItemManifest {
        items = items == null ? List.of() : List.copyOf(items);
    }
}
