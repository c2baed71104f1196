package io.collectoffline.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimeOrderedUuidTest {

    @Test
    void isAVersion7VariantRfcUuidCarryingItsMillisecond() {
        long millis = 1_795_000_000_123L;
        UUID id = TimeOrderedUuid.at(millis);
        assertEquals(7, id.version());
        assertEquals(2, id.variant());
        assertEquals(millis, TimeOrderedUuid.millisOf(id));
        assertEquals(id, UUID.fromString(id.toString()));
    }

    @Test
    void idsOfLaterMillisecondsSortAfterEarlierOnesAsTextAndAsUuids() {
        UUID earlier = TimeOrderedUuid.at(1_795_000_000_000L);
        UUID later = TimeOrderedUuid.at(1_795_000_000_001L);
        assertTrue(earlier.toString().compareTo(later.toString()) < 0);
        // PostgreSQL and H2 compare uuid values byte by byte, like the text form
        assertTrue(Long.compareUnsigned(earlier.getMostSignificantBits(), later.getMostSignificantBits()) < 0);
    }

    @Test
    void manyIdsInTheSameMillisecondAreStillUnique() {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(TimeOrderedUuid.at(1_795_000_000_000L));
        }
        assertEquals(100_000, ids.size());
    }

    @Test
    void aRandomUuidIsNotReadAsTimeOrdered() {
        assertThrows(IllegalArgumentException.class, () -> TimeOrderedUuid.millisOf(UUID.randomUUID()));
    }
}
