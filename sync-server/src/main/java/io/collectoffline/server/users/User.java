package io.collectoffline.server.users;

import java.time.OffsetDateTime;

/** A person's account as shown to admins (never its password hash). */
public record User(
        String username,
        String displayName,
        String role,
        OffsetDateTime createdAt,
        String createdBy,
        OffsetDateTime disabledAt,
        String disabledBy,
        OffsetDateTime lockedUntil) {

    public boolean enabled() {
        return disabledAt == null;
    }
}
