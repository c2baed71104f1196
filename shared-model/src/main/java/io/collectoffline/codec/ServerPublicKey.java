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
 */
public record ServerPublicKey(String keyId, String algorithm, String publicKey) {

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
