package io.collectoffline.server.users;

import java.time.OffsetDateTime;

/** A token just issued to {@code username}: shown this once, only its hash is kept. */
public record IssuedToken(String username, String kind, String label, String token, OffsetDateTime expiresAt) {}
