package io.collectoffline.server.devices;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;

/**
 * An enrolled device as the admin sees it (never its token).
 *
 * @param deviceId   its id: the producer of what it captures
 * @param role       {@code field} (sends only its own transactions), {@code middleman} or {@code server} (relay)
 * @param enrolledAt when it was enrolled
 * @param enrolledBy who enrolled it
 * @param revokedAt  when its token was revoked; null while valid
 * @param revokedBy  who revoked it
 * @param lastSeenAt its last authenticated request
 * @param site       the site (study community) it belongs to; absent when not assigned
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Device(
        String deviceId,
        String role,
        OffsetDateTime enrolledAt,
        String enrolledBy,
        OffsetDateTime revokedAt,
        String revokedBy,
        OffsetDateTime lastSeenAt,
        String site) {

    /** Whether people log in on it (a field laptop or a middleman): it gets the laptop accounts. */
    public boolean logsPeopleIn() {
        return !"server".equals(role);
    }

    /** Whether it may send transactions of other producers (a relay). */
    public boolean relays() {
        return !"field".equals(role);
    }
}
