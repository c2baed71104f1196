package io.collectoffline.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A device's public signing key, on its way to the servers with the device's batches (or a middleman's, or a
 * server's forwarding). The server that enrolled the device checks {@code proof}: an HMAC-SHA256 of the key, keyed
 * by the SHA-256 of the device's token — which only the device and that server know (the server keeps only the
 * hash), so a relay cannot register a key of its own for another device. An upstream server that never enrolled
 * the device accepts the key when a server device it enrolled vouches for it ({@code proof} absent).
 *
 * @param deviceId  the device
 * @param keyId     the key's id
 * @param publicKey X.509, base64
 * @param proof     HMAC proof (base64); absent when vouched for by the sending server
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KeyRegistration(String deviceId, String keyId, String publicKey, String proof) {

    /** The proof a device makes with its token. */
    public static String proof(String deviceId, String publicKey, String token) {
        return proofWithHash(deviceId, publicKey, sha256Hex(token));
    }

    /** The proof as the server computes it from the token hash it keeps. */
    public static String proofWithHash(String deviceId, String publicKey, String tokenHash) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(tokenHash.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder()
                    .encodeToString(mac.doFinal(
                            ("collect-offline key v1|" + deviceId + "|" + publicKey).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Hex SHA-256 of a token, as servers store it. */
    public static String sha256Hex(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
