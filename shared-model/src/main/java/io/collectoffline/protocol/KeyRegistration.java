package io.collectoffline.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A device's public signing key, on its way to the servers with the device's batches (or a middleman's, or a
 * server's forwarding). The server that enrolled the device checks {@code proof}: an HMAC-SHA256 of the key, keyed
 * by the SHA-256 of the device's token — which only the device and that server know (the server keeps only the
 * hash), so a relay cannot register a key of its own for another device. An upstream server that never enrolled
 * the device accepts the key when a server device it enrolled vouches for it ({@code proof} absent).
 *
 * <p>A device also registers its sealing key ({@code sealingKey}, X25519, ADR 14): what servers seal the records
 * they send it to. The proof covers it, so a relay can neither add nor swap one.
 *
 * @param deviceId   the device
 * @param keyId      the key's id
 * @param publicKey  X.509, base64
 * @param proof      HMAC proof (base64); absent when vouched for by the sending server
 * @param sealingKey the device's sealing public key (X.509, base64); absent from devices of earlier versions
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KeyRegistration(String deviceId, String keyId, String publicKey, String proof, String sealingKey) {

    /** A registration without a sealing key (a server's own key, a device of an earlier version). */
    public KeyRegistration(String deviceId, String keyId, String publicKey, String proof) {
        this(deviceId, keyId, publicKey, proof, null);
    }

    /** The proof a device makes with its token. */
    public static String proof(String deviceId, String publicKey, String token) {
        return proof(deviceId, publicKey, null, token);
    }

    /** The proof a device makes with its token, covering its sealing key too when it has one. */
    public static String proof(String deviceId, String publicKey, String sealingKey, String token) {
        return proofWithHash(deviceId, publicKey, sealingKey, io.collectoffline.security.TokenHash.of(token));
    }

    /** The proof as the server computes it from the token hash it keeps. */
    public static String proofWithHash(String deviceId, String publicKey, String tokenHash) {
        return proofWithHash(deviceId, publicKey, null, tokenHash);
    }

    /** The proof as the server computes it from the token hash it keeps, over the sealing key too when given. */
    public static String proofWithHash(String deviceId, String publicKey, String sealingKey, String tokenHash) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(tokenHash.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String covered = "collect-offline key v1|" + deviceId + "|" + publicKey
                    + (sealingKey == null ? "" : "|sealing|" + sealingKey);
            return Base64.getEncoder().encodeToString(mac.doFinal(covered.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
