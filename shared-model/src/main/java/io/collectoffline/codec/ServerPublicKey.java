package io.collectoffline.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * A server's public key as devices receive it (from {@code GET /api/v1/keys/current} or a file with the same JSON).
 *
 * @param keyId     the server key's id
 * @param algorithm {@code X25519}
 * @param publicKey base64 of the X.509 (SubjectPublicKeyInfo) encoding
 * @param signingKey the server's signing public key (Ed25519, X.509 base64) that its down-sync entries are signed
 *                   with (two-way, ADR 14): a laptop that only ever receives through a middleman checks them with it;
 *                   absent from servers of earlier versions
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record ServerPublicKey(String keyId, String algorithm, String publicKey, String signingKey) {

    /** A key without the server's signing key. */
    public ServerPublicKey(String keyId, String algorithm, String publicKey) {
        this(keyId, algorithm, publicKey, null);
    }

    /** The same key with the server's signing key. */
    public ServerPublicKey withSigningKey(String signingKey) {
        return new ServerPublicKey(keyId, algorithm, publicKey, signingKey);
    }

    /** The key, checked. @throws IllegalArgumentException when it is not an X25519 public key */
    public PublicKey decode() {
        if (!SealedCodec.ALGORITHM.equals(algorithm)) {
            throw new IllegalArgumentException(
                    "server key " + keyId + " is " + algorithm + ", expected " + SealedCodec.ALGORITHM);
        }
        try {
            return KeyFactory.getInstance(SealedCodec.ALGORITHM)
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicKey)));
        } catch (InvalidKeySpecException | IllegalArgumentException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("server key " + keyId + " is not a valid X25519 public key", e);
        }
    }

    /** The JSON form ({@code keys current} prints it; a laptop reads it with {@link #read(Path)}). */
    public String toJson() {
        try {
            return new ObjectMapper().writeValueAsString(this);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Reads the JSON form from a file. */
    public static ServerPublicKey read(Path file) throws IOException {
        ServerPublicKey key = new ObjectMapper().readValue(Files.readAllBytes(file), ServerPublicKey.class);
        key.decode();
        return key;
    }
}
