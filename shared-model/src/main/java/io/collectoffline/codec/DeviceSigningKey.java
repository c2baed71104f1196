package io.collectoffline.codec;

import io.collectoffline.protocol.TransactionEnvelope;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

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

    /** A signer with this (private) key, for many signatures in a row on one thread (no key decoding per one). */
    public Signature signer() {
        try {
            PrivateKey key = KeyFactory.getInstance(ALGORITHM)
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(privateKey)));
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(key);
            return signer;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing failed", e);
        }
    }

    /** A verifier with this key, for many checks in a row on one thread; null when the key is not a valid one. */
    public Signature verifier() {
        try {
            PublicKey key = KeyFactory.getInstance(ALGORITHM)
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicKey)));
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            return verifier;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    /** This key's signature of {@code bytes}. */
    public byte[] sign(byte[] bytes) {
        Signature signer = signer();
        try {
            signer.update(bytes);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing failed", e);
        }
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
        Signature verifier = verifier();
        if (signature == null || verifier == null) {
            return false;
        }
        try {
            verifier.update(bytes);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The public half only. */
    public DeviceSigningKey publicOnly() {
        return new DeviceSigningKey(keyId, publicKey, null);
    }
}
