package io.collectoffline.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.collectoffline.offline.ModelDescriptor;
import io.collectoffline.offline.OfflineModelRegistry;
import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.TransactionHeader;
import io.collectoffline.study.StudyModels;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped payload dictionaries (ADR 15). When a study model's columns change, run this test with
 * {@code -Dpayload.dictionaries.update=true}: it adds the model's next dictionary number and keeps the old ones.
 */
class PayloadDictionariesTest {

    private static final Path RESOURCES = Path.of("src/main/resources");

    @TempDir
    Path dir;

    /** A vital signs form as a laptop captures it (the benchmark's record, ~700 bytes of JSON). */
    private static final byte[] FORM = ("{\"model\":\"study.vital_signs\",\"schemaVersion\":2,\"fields\":{\"id\":\""
                    + UUID.randomUUID() + "\",\"version\":0,\"created\":\"2026-12-06T08:31:12.337Z\","
                    + "\"modified\":\"2026-12-06T08:31:12.337Z\",\"user_created\":\"nurse.amina\","
                    + "\"user_modified\":\"nurse.amina\",\"hostname_created\":\"field-laptop-07\","
                    + "\"hostname_modified\":\"field-laptop-07\",\"device_created\":\"laptop-07\","
                    + "\"device_modified\":\"laptop-07\",\"subject_visit_id\":\"" + UUID.randomUUID()
                    + "\",\"report_datetime\":\"2026-12-01T08:05:00Z\",\"weight_kg\":63.4,\"height_cm\":162,"
                    + "\"systolic_bp\":121,\"diastolic_bp\":79,\"temperature_c\":36.8,\"heart_rate\":72,"
                    + "\"comments\":\"Participant seated and calm; measured twice, the second reading recorded.\"},"
                    + "\"rev\":1}")
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void everyStudyModelShipsADictionaryOfItsCurrentColumns() throws Exception {
        OfflineModelRegistry registry = OfflineModelRegistry.of(new ArrayList<>(new StudyModels().models()));
        List<String> stale = new ArrayList<>();
        for (ModelDescriptor model : registry.models()) {
            byte[] current = PayloadDictionaries.build(model);
            var shipped = PayloadDictionaries.shipped().newest(model.name());
            if (shipped.isPresent() && java.util.Arrays.equals(shipped.get().bytes(), current)) {
                continue;
            }
            int next = shipped.map(d -> d.number() + 1).orElse(1);
            if (Boolean.getBoolean("payload.dictionaries.update")) {
                Path folder = RESOURCES.resolve(PayloadDictionaries.FOLDER);
                Files.createDirectories(folder);
                Files.write(folder.resolve(model.name() + "." + next + ".dict"), current);
                Files.writeString(
                        RESOURCES.resolve(PayloadDictionaries.INDEX),
                        model.name() + " " + next + " " + hex(PayloadDictionaries.idOf(current)) + "\n",
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            stale.add(model.name() + " (next number " + next + ")");
        }
        assertThat(stale)
                .as("models whose newest shipped dictionary is not of their current columns; run this test with "
                        + "-Dpayload.dictionaries.update=true to add their next dictionaries (never edit one)")
                .isEmpty();
    }

    @Test
    void aDictionaryCompressesTheVitalSignsFormToAboutAThirdWhereDeflateAloneHalvesIt() {
        byte[] withDictionary = PayloadDictionaries.shipped().compress("study.vital_signs", FORM);
        byte[] without = PayloadDictionaries.shipped().compress("no.such_model", FORM);

        assertThat(PayloadDictionaries.shipped().inflate(withDictionary)).isEqualTo(FORM);
        assertThat(PayloadDictionaries.shipped().inflate(without)).isEqualTo(FORM);
        assertThat(ByteBuffer.wrap(without).getInt()).isZero();
        assertThat(withDictionary.length).isLessThan(FORM.length * 2 / 5);
        assertThat(without.length).isLessThan(FORM.length * 2 / 3).isGreaterThan(withDictionary.length);
    }

    private final TransactionHeader header = new TransactionHeader(
            UUID.randomUUID(), "laptop-1", 1, "study.vital_signs", UUID.randomUUID(), Action.INSERT);

    /** The form sealed to a new key in {@code dir}: compressed (version 2) and not (version 1). */
    private SealedPayload[] sealedBothWays() {
        ServerPublicKey key = KeyRing.generate(dir);
        return new SealedPayload[] {
            new SealedCodec(key, 100, Duration.ofHours(1)).seal(header, FORM),
            new SealedCodec(key, 100, Duration.ofHours(1), null).seal(header, FORM)
        };
    }

    @Test
    void aSealedFormTravelsCompressedAndOpensToItsSnapshot() {
        SealedPayload[] both = sealedBothWays();
        SealedPayload compressed = both[0];
        SealedPayload plain = both[1];

        KeyRing ring = KeyRing.load(dir);
        assertThat(ring.open(header, compressed.keyId(), compressed.bytes())).isEqualTo(FORM);
        assertThat(ring.open(header, plain.keyId(), plain.bytes())).isEqualTo(FORM);
        assertThat(compressed.bytes().length).isLessThan(plain.bytes().length - FORM.length / 2);
    }

    @Test
    void aPayloadCannotBePassedOffAsTheOtherVersion() {
        SealedPayload[] both = sealedBothWays();
        SealedPayload compressed = both[0];
        SealedPayload plain = both[1];
        byte[] downgraded = compressed.bytes().clone();
        downgraded[2] = 1;
        byte[] upgraded = plain.bytes().clone();
        upgraded[2] = 2;

        KeyRing ring = KeyRing.load(dir);
        assertThatThrownBy(() -> ring.open(header, compressed.keyId(), downgraded))
                .isInstanceOf(PayloadRejectedException.class)
                .hasMessageContaining("failed authentication");
        assertThatThrownBy(() -> ring.open(header, plain.keyId(), upgraded))
                .isInstanceOf(PayloadRejectedException.class)
                .hasMessageContaining("failed authentication");
    }

    @Test
    void anUnknownDictionaryABombAndGarbageAreRefusedWithTheirReason() {
        byte[] unknown = ByteBuffer.allocate(8).putInt(0x7f00ff01).putInt(0).array();
        assertThatThrownBy(() -> PayloadDictionaries.shipped().inflate(unknown))
                .isInstanceOf(PayloadFromNewerAppException.class)
                .hasMessageContaining("7f00ff01")
                .hasMessageContaining("newer app");

        Deflater deflater = new Deflater(9, true);
        deflater.setInput(new byte[PayloadDictionaries.MAX_INFLATED_BYTES + 1]);
        deflater.finish();
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        bomb.writeBytes(new byte[4]);
        byte[] buffer = new byte[8192];
        while (!deflater.finished()) {
            bomb.write(buffer, 0, deflater.deflate(buffer));
        }
        assertThat(bomb.size()).isLessThan(20_000);
        assertThatThrownBy(() -> PayloadDictionaries.shipped().inflate(bomb.toByteArray()))
                .isInstanceOf(PayloadRejectedException.class)
                .hasMessageContaining("inflates beyond");

        assertThatThrownBy(() -> PayloadDictionaries.shipped().inflate(new byte[] {0, 0, 0, 0, (byte) 0xff, 1}))
                .isInstanceOf(PayloadRejectedException.class);
        assertThatThrownBy(() -> PayloadDictionaries.shipped().inflate(new byte[] {0, 0}))
                .isInstanceOf(PayloadRejectedException.class)
                .hasMessageContaining("truncated");
        byte[] cut = PayloadDictionaries.shipped().compress("study.vital_signs", FORM);
        assertThatThrownBy(() -> PayloadDictionaries.shipped().inflate(java.util.Arrays.copyOf(cut, cut.length / 2)))
                .isInstanceOf(PayloadRejectedException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void aShippedDictionaryThatWasEditedStopsTheLoadWithWhatToDo() throws Exception {
        Path folder = dir.resolve(PayloadDictionaries.FOLDER);
        Files.createDirectories(folder);
        byte[] original = "{\"model\":\"x.y\"".getBytes(StandardCharsets.UTF_8);
        Files.writeString(
                dir.resolve(PayloadDictionaries.INDEX), "x.y 1 " + hex(PayloadDictionaries.idOf(original)) + "\n");
        Files.write(folder.resolve("x.y.1.dict"), original);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            assertThat(PayloadDictionaries.load(loader)
                            .newest("x.y")
                            .orElseThrow()
                            .bytes())
                    .isEqualTo(original);
        }

        Files.writeString(folder.resolve("x.y.1.dict"), "{\"model\":\"x.y\",\"fields\"");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            assertThatThrownBy(() -> PayloadDictionaries.load(loader))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("must never change");
        }
    }

    private static String hex(int id) {
        return HexFormat.of().formatHex(ByteBuffer.allocate(4).putInt(id).array());
    }
}
