package io.collectoffline.protocol;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Version 7 UUIDs (RFC 9562): the first 48 bits are the Unix time in milliseconds, the remaining 74 free bits are
 * random. Record ids and txIds are minted this way, so ids made around the same time sit next to each other in every
 * B-tree index that holds them (on the laptop and on the server): an insert touches the few pages at the index's
 * recent end instead of a random page of an index that outgrows memory at millions of rows (README, Benchmarks,
 * Scale). Still unique without coordination (74 random bits per millisecond), and never used for ordering: seq
 * orders a producer's changes. The creation time they reveal is already in the envelope ({@code capturedAt}).
 */
public final class TimeOrderedUuid {

    /**
     * Made on first use, at run time: a native build initialises this class at build time, and a random generator
     * created then would be frozen into the image with the same seed on every laptop (README, Native).
     */
    private static volatile SecureRandom random;

    private TimeOrderedUuid() {}

    /** A new version 7 UUID for now. */
    public static UUID next() {
        return at(System.currentTimeMillis());
    }

    /** A new version 7 UUID for the given Unix time in milliseconds. */
    public static UUID at(long epochMillis) {
        byte[] random = new byte[10];
        random().nextBytes(random);
        long randA = ((random[0] & 0xFFL) << 8 | (random[1] & 0xFFL)) & 0x0FFFL;
        long randB = 0;
        for (int i = 2; i < 10; i++) {
            randB = randB << 8 | (random[i] & 0xFFL);
        }
        long high = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | randA;
        long low = randB & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
        return new UUID(high, low);
    }

    private static SecureRandom random() {
        SecureRandom made = random;
        if (made == null) {
            synchronized (TimeOrderedUuid.class) {
                made = random;
                if (made == null) {
                    made = new SecureRandom();
                    random = made;
                }
            }
        }
        return made;
    }

    /** The Unix time in milliseconds a version 7 UUID was minted at. */
    public static long millisOf(UUID id) {
        if (id.version() != 7) {
            throw new IllegalArgumentException(id + " is not a version 7 UUID");
        }
        return id.getMostSignificantBits() >>> 16;
    }
}
