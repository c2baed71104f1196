package io.collectoffline.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.TransactionHeader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SealedCodecTest {

    @TempDir
    Path keys;

    private final TransactionHeader header =
            new TransactionHeader(UUID.randomUUID(), "laptop-1", 7, "study.subject", UUID.randomUUID(), Action.INSERT);
    private final byte[] snapshot =
            "{\"model\":\"study.subject\",\"fields\":{\"initials\":\"KM\"}}".getBytes(StandardCharsets.UTF_8);

    @Test
    void aPublicKeySavedInTheKeyFolderDoesNotHideThePair() throws Exception {
        ServerPublicKey current = KeyRing.generate(keys);
        SealedPayload sealed = new SealedCodec(current, 1000, Duration.ofHours(24)).seal(header, snapshot);
        // what `keys current` prints, saved next to the pairs: same key id, no private key
        for (String name : new String[] {"a-public.json", "public.json", "z-public.json"}) {
            Files.writeString(keys.resolve(name), current.toJson());
        }

        assertThat(KeyRing.load(keys).open(header, sealed.keyId(), sealed.bytes()))
                .isEqualTo(snapshot);
    }

    @Test
    void onlyTheServerKeyRingOpensWhatALaptopSealed() {
        SealedCodec laptop = new SealedCodec(KeyRing.generate(keys), 1000, Duration.ofHours(24));

        SealedPayload sealed = laptop.seal(header, snapshot);

        // no field of the snapshot shows in what was sealed (a marker long enough that random bytes never hold it)
        byte[] marked = "{\"model\":\"study.subject\",\"fields\":{\"comment\":\"ThabangMolefeOfOodiWard7\"}}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(new String(laptop.seal(header, marked).bytes(), StandardCharsets.ISO_8859_1))
                .doesNotContain("ThabangMolefe")
                .doesNotContain("OodiWard7");
        assertThat(KeyRing.load(keys).open(header, sealed.keyId(), sealed.bytes()))
                .isEqualTo(snapshot);
        assertThatThrownBy(() -> laptop.open(header, sealed.keyId(), sealed.bytes()))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void oneDataKeyServesAWholeEpochAndANewOneFollows() {
        SealedCodec laptop = new SealedCodec(KeyRing.generate(keys), 2, Duration.ofHours(24));

        String first = laptop.seal(header, snapshot).keyId();
        String second = laptop.seal(header, snapshot).keyId();
        String third = laptop.seal(header, snapshot).keyId();

        assertThat(second).isEqualTo(first);
        assertThat(third).isNotEqualTo(first);
    }

    @Test
    void alteredCiphertextIsRefused() {
        SealedPayload sealed = new SealedCodec(KeyRing.generate(keys), 10, Duration.ofHours(1)).seal(header, snapshot);
        byte[] tampered = sealed.bytes().clone();
        tampered[tampered.length - 20] ^= 1;

        assertThatThrownBy(() -> KeyRing.load(keys).open(header, sealed.keyId(), tampered))
                .isInstanceOf(PayloadRejectedException.class)
                .hasMessageContaining("failed authentication");
    }

    @Test
    void metadataSwappedOntoAPayloadIsRefused() {
        SealedPayload sealed = new SealedCodec(KeyRing.generate(keys), 10, Duration.ofHours(1)).seal(header, snapshot);
        TransactionHeader otherSeq = new TransactionHeader(
                header.txId(), header.producer(), 8, header.model(), header.recordId(), header.action());
        TransactionHeader otherAction = new TransactionHeader(
                header.txId(), header.producer(), 7, header.model(), header.recordId(), Action.DELETE);

        KeyRing ring = KeyRing.load(keys);
        assertThatThrownBy(() -> ring.open(otherSeq, sealed.keyId(), sealed.bytes()))
                .isInstanceOf(PayloadRejectedException.class);
        assertThatThrownBy(() -> ring.open(otherAction, sealed.keyId(), sealed.bytes()))
                .isInstanceOf(PayloadRejectedException.class);
        assertThatThrownBy(() -> ring.open(header, "dk-" + UUID.randomUUID(), sealed.bytes()))
                .isInstanceOf(PayloadRejectedException.class);
    }

    @Test
    void rotationKeepsOldKeysOpening() {
        SealedPayload old = new SealedCodec(KeyRing.generate(keys), 10, Duration.ofHours(1)).seal(header, snapshot);
        ServerPublicKey rotated = KeyRing.generate(keys);
        SealedPayload fresh = new SealedCodec(rotated, 10, Duration.ofHours(1)).seal(header, snapshot);

        KeyRing ring = KeyRing.load(keys);
        assertThat(ring.current().keyId()).isEqualTo(rotated.keyId());
        assertThat(ring.keyIds()).hasSize(2);
        assertThat(ring.open(header, old.keyId(), old.bytes())).isEqualTo(snapshot);
        assertThat(ring.open(header, fresh.keyId(), fresh.bytes())).isEqualTo(snapshot);
    }

    @Test
    void payloadSealedToAnUnknownServerKeyIsRefused(@TempDir Path otherServer) {
        SealedPayload sealed =
                new SealedCodec(KeyRing.generate(otherServer), 10, Duration.ofHours(1)).seal(header, snapshot);
        KeyRing.generate(keys);

        assertThatThrownBy(() -> KeyRing.load(keys).open(header, sealed.keyId(), sealed.bytes()))
                .isInstanceOf(PayloadRejectedException.class)
                .hasMessageContaining("does not hold");
    }

    @Test
    void truncatedOrForeignBytesAreRefused() {
        KeyRing.generate(keys);
        KeyRing ring = KeyRing.load(keys);

        assertThatThrownBy(() -> ring.open(header, "dk-x", new byte[] {'C', 'O', 1, 5}))
                .isInstanceOf(PayloadRejectedException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> ring.open(header, "dk-x", snapshot))
                .isInstanceOf(PayloadRejectedException.class)
                .hasMessageContaining("not a sealed payload");
    }

    @Test
    void privateKeyFilesAreReadableByTheOwnerOnly() throws Exception {
        ServerPublicKey key = KeyRing.generate(keys);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve(key.keyId() + ".json"))))
                .isEqualTo("rw-------");
    }
}
