package io.collectoffline.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How a server keeps a bearer token (a device's, a person's API token or page session): the hex SHA-256 of it, never
 * the token. Tokens are 32 random bytes, so no salt or slow hash is needed; the same function makes the proof key of a
 * device's key registration.
 */
public final class TokenHash {

    private TokenHash() {}

    /** The hex SHA-256 of {@code token}'s UTF-8 bytes, as servers store it. */
    public static String of(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
