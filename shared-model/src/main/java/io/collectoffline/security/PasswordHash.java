package io.collectoffline.security;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A person's password as stored: PBKDF2 with HMAC-SHA-256 (NIST SP 800-132), a random 16-byte salt per hash and
 * {@value #ITERATIONS} iterations (OWASP's figure for this function), written {@code pbkdf2-sha256$<iterations>$<salt
 * base64>$<hash base64>}. The JDK's own implementation, so server, laptop and native binary verify the same hashes
 * with no extra library; the iterations are part of the hash, so raising them later leaves old hashes readable. The
 * server stores only this, and a laptop receives only this (offline login): never the password.
 */
public final class PasswordHash {

    /** Iterations of new hashes. */
    public static final int ITERATIONS = 600_000;
    /** The shortest password accepted for an account. */
    public static final int MIN_LENGTH = 10;
    /** The longest password accepted (a hash of megabytes of input is work for nothing). */
    public static final int MAX_LENGTH = 200;

    private static final String SCHEME = "pbkdf2-sha256";
    /** Hashes with more iterations are not verified: a hostile hash must not make a login take minutes. */
    private static final int MAX_ITERATIONS = 10_000_000;

    private PasswordHash() {}

    /** Why {@code password} cannot be an account's password, or null when it can. */
    public static String problem(String password) {
        if (password == null || password.length() < MIN_LENGTH) {
            return "a password needs at least " + MIN_LENGTH + " characters";
        }
        if (password.length() > MAX_LENGTH) {
            return "a password has at most " + MAX_LENGTH + " characters";
        }
        if (password.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return "a password cannot hold control characters";
        }
        return null;
    }

    /** The stored form of {@code password}, with a fresh salt. */
    public static String hash(String password) {
        String problem = problem(password);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt); // made per hash: a static one would be frozen into a native image
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + ITERATIONS + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(derive(password, salt, ITERATIONS));
    }

    /** Whether {@code password} is the one {@code stored} was made from; false for anything that is not a hash. */
    public static boolean matches(String password, String stored) {
        if (password == null || stored == null || password.length() > MAX_LENGTH) {
            return false;
        }
        String[] parts = stored.split("\\$", -1);
        if (parts.length != 4 || !SCHEME.equals(parts[0])) {
            return false;
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            if (iterations < 1 || iterations > MAX_ITERATIONS) {
                return false;
            }
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            if (salt.length < 8 || expected.length != 32) {
                return false;
            }
            return MessageDigest.isEqual(expected, derive(password, salt, iterations));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether {@code stored} is a hash this class can verify (its scheme and shape; not whether it is right). */
    public static boolean wellFormed(String stored) {
        return stored != null
                && stored.matches(SCHEME + "\\$[1-9][0-9]{0,7}\\$[A-Za-z0-9+/]{11,64}\\$[A-Za-z0-9+/]{43}");
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(spec)
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every Java runtime", e);
        } finally {
            spec.clearPassword();
        }
    }
}
