package io.collectoffline.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.protocol.TransactionHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A server's key pairs, kept in a folder (one {@code <keyId>.json} per pair, readable by the owner only, and a
 * {@code current} file naming the key devices seal to). Rotation adds a pair and moves {@code current}; older
 * pairs stay and keep opening what was sealed to them.
 *
 * <p>Opening caches each unwrapped data key (keyed by its id and key block), so one asymmetric operation serves a
 * whole epoch of transactions.
 */
public final class KeyRing {

    /** A stored key pair, as its file holds it. */
    record StoredKey(String keyId, String algorithm, String publicKey, String privateKey, String created) {}

    private record CachedKey(byte[] blockDigest, SecretKey dataKey) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CACHE_SIZE = 10_000;

    private final Path dir;
    private final Map<String, StoredKey> keys;
    private final String current;
    private final Map<String, CachedKey> cache = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CachedKey> eldest) {
            return size() > CACHE_SIZE;
        }
    });

    private KeyRing(Path dir, Map<String, StoredKey> keys, String current) {
        this.dir = dir;
        this.keys = keys;
        this.current = current;
    }

    /**
     * Loads the key folder.
     *
     * @throws IllegalStateException when the folder has no current key or a key file is unreadable
     */
    public static KeyRing load(Path dir) {
        try {
            Map<String, StoredKey> keys = new TreeMap<>();
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path file : files.filter(
                                    f -> f.getFileName().toString().endsWith(".json"))
                            .toList()) {
                        StoredKey key = JSON.readValue(file.toFile(), StoredKey.class);
                        if (key.privateKey() != null) { // a public key saved next to the pairs is not a pair
                            keys.put(key.keyId(), key);
                        }
                    }
                }
            }
            Path currentFile = dir.resolve("current");
            String current =
                    Files.exists(currentFile) ? Files.readString(currentFile).trim() : null;
            if (current == null || !keys.containsKey(current)) {
                throw new IllegalStateException("no current server key in " + dir.toAbsolutePath()
                        + " (generate one with the 'keys generate' command)");
            }
            return new KeyRing(dir, Collections.unmodifiableMap(keys), current);
        } catch (IOException e) {
            throw new UncheckedIOException("reading server keys from " + dir.toAbsolutePath() + " failed", e);
        }
    }

    /** A ring of one key pair, held in memory only (a device's sealing key, {@link DeviceSealingKey#ring}). */
    static KeyRing ofOne(String keyId, String algorithm, String publicKey, String privateKey) {
        return new KeyRing(null, Map.of(keyId, new StoredKey(keyId, algorithm, publicKey, privateKey, null)), keyId);
    }

    /** Whether {@code dir} holds a current key. */
    public static boolean exists(Path dir) {
        return Files.exists(dir.resolve("current"));
    }

    /** Generates a new key pair in {@code dir} and makes it current; returns its public half. */
    public static ServerPublicKey generate(Path dir) {
        try {
            Files.createDirectories(dir);
            KeyPair pair = KeyPairGenerator.getInstance(SealedCodec.ALGORITHM).generateKeyPair();
            String keyId = "sk-" + LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.BASIC_ISO_DATE) + "-"
                    + UUID.randomUUID().toString().substring(0, 8);
            StoredKey key = new StoredKey(
                    keyId,
                    SealedCodec.ALGORITHM,
                    Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()),
                    Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()),
                    Instant.now().toString());
            Path file = dir.resolve(keyId + ".json");
            Files.write(
                    file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(key), StandardOpenOption.CREATE_NEW);
            ownerOnly(file);
            Path current = dir.resolve("current.tmp");
            Files.writeString(current, keyId + "\n");
            Files.move(
                    current,
                    dir.resolve("current"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return new ServerPublicKey(keyId, SealedCodec.ALGORITHM, key.publicKey());
        } catch (IOException e) {
            throw new UncheckedIOException("writing a server key to " + dir.toAbsolutePath() + " failed", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("generating a server key failed", e);
        }
    }

    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the folder's own permissions must protect it
        }
    }

    /** The key devices seal new payloads to. */
    public ServerPublicKey current() {
        StoredKey key = keys.get(current);
        return new ServerPublicKey(key.keyId(), key.algorithm(), key.publicKey());
    }

    /** Every key id, oldest name first, with the current one marked by {@link #current()}. */
    public List<String> keyIds() {
        return List.copyOf(keys.keySet());
    }

    public Path dir() {
        return dir;
    }

    /**
     * Opens a sealed payload.
     *
     * @throws PayloadRejectedException when it is malformed, sealed to an unknown server key, or fails to
     *                                   authenticate (altered ciphertext or metadata)
     */
    public byte[] open(TransactionHeader header, String keyId, byte[] payload) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        byte[] block;
        try {
            byte[] magic = new byte[SealedCodec.MAGIC.length];
            in.get(magic);
            boolean compressed = Arrays.equals(magic, SealedCodec.MAGIC_COMPRESSED);
            if (!compressed && !Arrays.equals(magic, SealedCodec.MAGIC)) {
                throw new PayloadRejectedException("payload is not a sealed payload of a known version");
            }
            byte[] serverKeyId = new byte[Byte.toUnsignedInt(in.get())];
            in.get(serverKeyId);
            byte[] ephemeral = new byte[Short.toUnsignedInt(in.getShort())];
            in.get(ephemeral);
            byte[] wrapIv = new byte[12];
            in.get(wrapIv);
            byte[] wrapped = new byte[32 + 16];
            in.get(wrapped);
            block = Arrays.copyOf(payload, in.position());
            SecretKey dataKey =
                    dataKey(keyId, block, new String(serverKeyId, StandardCharsets.UTF_8), ephemeral, wrapIv, wrapped);
            byte[] iv = new byte[12];
            in.get(iv);
            byte[] ciphertext = new byte[in.remaining()];
            in.get(ciphertext);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, dataKey, new GCMParameterSpec(SealedCodec.TAG_BITS, iv));
            cipher.updateAAD(SealedCodec.associatedData(header, keyId, compressed));
            byte[] plaintext = cipher.doFinal(ciphertext);
            return compressed ? PayloadDictionaries.shipped().inflate(plaintext) : plaintext;
        } catch (java.nio.BufferUnderflowException e) {
            throw new PayloadRejectedException("sealed payload is truncated");
        } catch (AEADBadTagException e) {
            throw new PayloadRejectedException("payload failed authentication: its ciphertext or its metadata "
                    + "(txId, producer, seq, model, recordId, action, keyId) was altered");
        } catch (GeneralSecurityException e) {
            throw new PayloadRejectedException(
                    "sealed payload cannot be opened: " + e.getClass().getSimpleName());
        }
    }

    private SecretKey dataKey(
            String keyId, byte[] block, String serverKeyId, byte[] ephemeral, byte[] wrapIv, byte[] wrapped)
            throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(block);
        CachedKey cached = cache.get(keyId);
        if (cached != null && Arrays.equals(cached.blockDigest(), digest)) {
            return cached.dataKey();
        }
        StoredKey key = keys.get(serverKeyId);
        if (key == null) {
            throw new PayloadRejectedException(
                    "payload is sealed to server key '" + serverKeyId + "', which this server does not hold");
        }
        PrivateKey privateKey = KeyFactory.getInstance(SealedCodec.ALGORITHM)
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(key.privateKey())));
        java.security.PublicKey ephemeralKey =
                KeyFactory.getInstance(SealedCodec.ALGORITHM).generatePublic(new X509EncodedKeySpec(ephemeral));
        SecretKey kek = SealedCodec.kek(privateKey, ephemeralKey, ephemeral, keyId);
        Cipher unwrap = Cipher.getInstance("AES/GCM/NoPadding");
        unwrap.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(SealedCodec.TAG_BITS, wrapIv));
        unwrap.updateAAD(keyId.getBytes(StandardCharsets.UTF_8));
        SecretKey dataKey = new SecretKeySpec(unwrap.doFinal(wrapped), "AES");
        cache.put(keyId, new CachedKey(digest, dataKey));
        return dataKey;
    }
}
