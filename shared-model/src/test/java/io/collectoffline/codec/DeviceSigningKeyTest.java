package io.collectoffline.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The device signatures (Guarantees 10) are standard Ed25519: what this code signs the JDK's own provider verifies
 * and the other way round, byte for byte, so keys and signatures made before the switch to the faster implementation
 * (issue 18) keep verifying.
 */
class DeviceSigningKeyTest {

    private static final byte[] MESSAGE = "collect-offline signed transaction v1|…".getBytes(StandardCharsets.UTF_8);

    @Test
    void signaturesAreTheJdksEd25519SignaturesByteForByteAndVerifyBothWays() throws Exception {
        DeviceSigningKey key = DeviceSigningKey.generate();
        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initSign(KeyFactory.getInstance("Ed25519")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(key.privateKey()))));
        jdk.update(MESSAGE);
        byte[] byTheJdk = jdk.sign();

        byte[] ours = key.sign(MESSAGE);

        assertThat(ours).isEqualTo(byTheJdk);
        assertThat(key.publicOnly().verifies(MESSAGE, byTheJdk)).isTrue();
        Signature check = Signature.getInstance("Ed25519");
        check.initVerify(KeyFactory.getInstance("Ed25519")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(key.publicKey()))));
        check.update(MESSAGE);
        assertThat(check.verify(ours)).isTrue();
    }

    @Test
    void anAlteredMessageAnotherKeysSignatureOrGarbageDoesNotVerify() {
        DeviceSigningKey key = DeviceSigningKey.generate();
        byte[] signature = key.sign(MESSAGE);
        byte[] altered = MESSAGE.clone();
        altered[3] ^= 1;
        byte[] flipped = signature.clone();
        flipped[10] ^= 1;

        assertThat(key.verifies(altered, signature)).isFalse();
        assertThat(key.verifies(MESSAGE, flipped)).isFalse();
        assertThat(DeviceSigningKey.generate().verifies(MESSAGE, signature)).isFalse();
        assertThat(key.verifies(MESSAGE, null)).isFalse();
        assertThat(key.verifies(MESSAGE, new byte[12])).isFalse();
        assertThat(key.verifies(MESSAGE, new byte[64])).isFalse();
        DeviceSigningKey notAKey = new DeviceSigningKey("x", Base64.getEncoder().encodeToString(new byte[44]), null);
        assertThat(notAKey.verifies(MESSAGE, signature)).isFalse();
        DeviceSigningKey notBase64 = new DeviceSigningKey("x", "%%%", null);
        assertThat(notBase64.verifies(MESSAGE, signature)).isFalse();
    }
}
