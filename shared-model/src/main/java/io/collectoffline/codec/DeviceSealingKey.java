package io.collectoffline.codec;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * A device's own sealing key pair (X25519, the algorithm of {@link SealedCodec}): what a server seals to when it
 * sends the device records (two-way, ADR 14), so that only that device can read them — a middleman carrying them
 * cannot. Made on the device at its first start; the public half travels in its {@code KeyRegistration}, covered by
 * the proof made with its token.
 *
 * @param publicKey  X.509, base64
 * @param privateKey PKCS#8, base64 (kept on the device only)
 */
public record DeviceSealingKey(String publicKey, String privateKey) {

    /** A new key pair. */
    public static DeviceSealingKey generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance(SealedCodec.ALGORITHM).generateKeyPair();
            return new DeviceSealingKey(
                    Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()),
                    Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 is not available in this JVM", e);
        }
    }

    /** The key id payloads sealed to {@code publicKey} name (in the place a server key's id goes). */
    public static String keyIdOf(String publicKey) {
        return "device-" + DeviceSigningKey.keyIdOf(publicKey);
    }

    /** A key ring holding this pair only: what the device opens payloads sealed to it with. */
    public KeyRing ring() {
        return KeyRing.ofOne(keyIdOf(publicKey), SealedCodec.ALGORITHM, publicKey, privateKey);
    }

    /** Whether {@code publicKey} is an X25519 public key (X.509, base64) — what a server accepts to seal to. */
    public static boolean isPublicKey(String publicKey) {
        if (publicKey == null || publicKey.length() > 200) {
            return false;
        }
        try {
            KeyFactory.getInstance(SealedCodec.ALGORITHM)
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicKey)));
            return true;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
