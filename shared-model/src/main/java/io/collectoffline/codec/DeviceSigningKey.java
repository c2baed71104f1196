package io.collectoffline.codec;

import io.collectoffline.protocol.TransactionEnvelope;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A device's Ed25519 signing key (README, Guarantees 10): each device signs every transaction it produces, servers
 * verify before storing, relays pass the signature on unchanged. What is signed is the transaction's identity,
 * numbering and content ({@link #signedBytes}): a relay can neither forge, alter, insert nor reorder a producer's
 * transactions without the signature failing.
 *
 * @param keyId      first 16 hex digits of the SHA-256 of the public key
 * @param publicKey  X.509, base64
 * @param privateKey PKCS#8, base64; null for a key known only by its public half
 */
public record DeviceSigningKey(String keyId, String publicKey, String privateKey) {

    /** The signature algorithm. */
    public static final String ALGORITHM = "Ed25519";

    /** A new key pair. */
    public static DeviceSigningKey generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
            String publicKey =
                    Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
            return new DeviceSigningKey(
                    keyIdOf(publicKey),
                    publicKey,
                    Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("creating a signing key failed", e);
        }
    }

    /** The key id of a base64 X.509 public key. */
    public static String keyIdOf(String publicKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What a device signs: {@code txId|producer|seq|model|recordId|action|keyId|SHA-256(payload)|reissuedFrom}. The
     * site (stamped by the first server) and capturedAt (informational) are not signed.
     */
    public static byte[] signedBytes(TransactionEnvelope e) {
        try {
            String payloadHash = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(e.payload()));
            return ("collect-offline signed transaction v1|" + e.txId() + "|" + e.producer() + "|" + e.seq() + "|"
                            + e.model() + "|" + e.recordId() + "|" + e.action() + "|" + e.keyId() + "|" + payloadHash
                            + "|"
                            + (e.reissuedFrom() == null ? "" : e.reissuedFrom().toString()))
                    .getBytes(StandardCharsets.UTF_8);
        } catch (GeneralSecurityException x) {
            throw new IllegalStateException(x);
        }
    }

    /** The signature of {@code envelope} (its signer and signature fields are ignored). */
    public byte[] sign(TransactionEnvelope envelope) {
        return sign(signedBytes(envelope));
    }

    /** This key's signature of {@code bytes}. */
    public byte[] sign(byte[] bytes) {
        if (privateKey == null) {
            throw new IllegalStateException("key " + keyId + " is known only by its public half: it cannot sign");
        }
        RawKeys raw = RAW.computeIfAbsent(privateKey, k -> RawKeys.of(publicKey, k));
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(raw.secret(), 0, raw.publicKey(), 0, bytes, 0, bytes.length, signature, 0);
        return signature;
    }

    /** The envelope with this key's signature. */
    public TransactionEnvelope signed(TransactionEnvelope envelope) {
        return envelope.withSignature(keyId, sign(envelope));
    }

    /** Whether {@code signature} is this key's signature of {@code envelope}. */
    public boolean verifies(TransactionEnvelope envelope, byte[] signature) {
        return verifies(signedBytes(envelope), signature);
    }

    /** Whether {@code signature} is this key's signature of {@code bytes}. */
    public boolean verifies(byte[] bytes, byte[] signature) {
        if (signature == null || signature.length != Ed25519.SIGNATURE_SIZE) {
            return false;
        }
        Ed25519.PublicPoint point =
                POINTS.computeIfAbsent(publicKey, DeviceSigningKey::point).orElse(null);
        return point != null && Ed25519.verify(signature, 0, point, bytes, 0, bytes.length);
    }

    /**
     * Ed25519 itself (RFC 8032) comes from Bouncy Castle's implementation, about four times the JDK 17 provider's speed
     * for signing and verifying (issue 18; signatures are deterministic, so both make the same bytes). The keys keep
     * their standard encodings (X.509 / PKCS#8, RFC 8410); their raw forms are decoded once per key.
     */
    private static final Map<String, RawKeys> RAW = new ConcurrentHashMap<>();

    private static final Map<String, Optional<Ed25519.PublicPoint>> POINTS = new ConcurrentHashMap<>();

    /** The fixed DER prefix of an Ed25519 public key in X.509 (RFC 8410 §4): 12 bytes, then the 32-byte key. */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    /** The fixed DER prefix of an Ed25519 private key in PKCS#8 v1 (RFC 8410 §7): 16 bytes, then the 32-byte seed. */
    private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

    private record RawKeys(byte[] secret, byte[] publicKey) {
        static RawKeys of(String publicKey, String privateKey) {
            byte[] secret = raw(Base64.getDecoder().decode(privateKey), PKCS8_PREFIX);
            byte[] derived = new byte[Ed25519.PUBLIC_KEY_SIZE];
            Ed25519.generatePublicKey(secret, 0, derived, 0);
            if (publicKey != null
                    && !Arrays.equals(derived, raw(Base64.getDecoder().decode(publicKey), X509_PREFIX))) {
                throw new IllegalStateException("the private half of signing key does not match its public half");
            }
            return new RawKeys(secret, derived);
        }
    }

    private static Optional<Ed25519.PublicPoint> point(String publicKey) {
        try {
            return Optional.ofNullable(
                    Ed25519.validatePublicKeyFullExport(raw(Base64.getDecoder().decode(publicKey), X509_PREFIX), 0));
        } catch (IllegalArgumentException notAKey) {
            return Optional.empty();
        }
    }

    private static byte[] raw(byte[] encoded, byte[] prefix) {
        if (encoded.length != prefix.length + 32 || !Arrays.equals(Arrays.copyOf(encoded, prefix.length), prefix)) {
            throw new IllegalArgumentException("not an Ed25519 key in its standard encoding");
        }
        return Arrays.copyOfRange(encoded, prefix.length, encoded.length);
    }

    /** The public half only. */
    public DeviceSigningKey publicOnly() {
        return new DeviceSigningKey(keyId, publicKey, null);
    }
}
