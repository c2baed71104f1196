package io.collectoffline.codec;

import io.collectoffline.protocol.TransactionHeader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals payloads so that only the server can read them (DESIGN §7): AES-256-GCM with a random data key; the data
 * key is wrapped to the server's X25519 public key (ephemeral-static ECDH, HKDF-SHA256, AES-GCM key wrap) and
 * travels, wrapped, in every payload of its epoch, so each transaction opens on its own on any server holding the
 * private key, whichever way it travelled. The envelope metadata
 * ({@code txId|producer|seq|model|recordId|action|keyId}) is the payload's associated data: swapping any of it onto
 * another payload makes it fail to open.
 *
 * <p>No asymmetric operation per transaction: the sealing side wraps one data key per epoch (a new one after
 * {@code epochTransactions} seals or {@code epochLength}), the opening side caches unwrapped keys
 * ({@link KeyRing}).
 *
 * <p>Payload layout: {@code "CO" version | u8 len, serverKeyId | u16 len, ephemeral public key (X.509) | 12 B iv,
 * wrapped data key (32 B + 16 B tag) | 12 B iv | ciphertext + 16 B tag}. Everything before the second iv is the
 * epoch's key block. Version 1: the ciphertext is of the snapshot itself. Version 2 (ADR 15): of the snapshot
 * compressed by {@link PayloadDictionaries}, and the version is authenticated with the metadata (a payload cannot be
 * passed off as the other version). Openers read both; what a codec seals is chosen when it is made.
 */
public final class SealedCodec implements PayloadCodec {

    /** Configuration name of this codec. */
    public static final String NAME = "sealed";
    /** The key agreement algorithm of server keys. */
    public static final String ALGORITHM = "X25519";

    static final byte[] MAGIC = {'C', 'O', 1};
    static final byte[] MAGIC_COMPRESSED = {'C', 'O', 2};
    /** The newest payload version this app seals and opens. */
    public static final int NEWEST_VERSION = 2;

    static final int TAG_BITS = 128;

    private final String serverKeyId;
    private final PublicKey serverKey;
    private final long epochTransactions;
    private final Duration epochLength;
    /** Null when this codec seals version 1 (uncompressed) payloads. */
    private final PayloadDictionaries dictionaries;
    /** Per codec, made at run time (a static one would be frozen into a native image, README Native). */
    private final SecureRandom random = new SecureRandom();

    private Epoch epoch;

    private record Epoch(String keyId, SecretKey dataKey, byte[] keyBlock, Instant started, long[] sealed) {}

    /** A codec sealing compressed (version 2) payloads with the shipped dictionaries. */
    public SealedCodec(ServerPublicKey serverKey, long epochTransactions, Duration epochLength) {
        this(serverKey, epochTransactions, epochLength, PayloadDictionaries.shipped());
    }

    /**
     * A codec sealing with {@code dictionaries} (version 2), or uncompressed (version 1, what apps before ADR 15
     * read) when it is null.
     */
    public SealedCodec(
            ServerPublicKey serverKey, long epochTransactions, Duration epochLength, PayloadDictionaries dictionaries) {
        this.serverKeyId = serverKey.keyId();
        this.serverKey = serverKey.decode();
        this.epochTransactions = epochTransactions;
        this.epochLength = epochLength;
        this.dictionaries = dictionaries;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The server key new payloads are sealed to. */
    public String serverKeyId() {
        return serverKeyId;
    }

    @Override
    public synchronized SealedPayload seal(TransactionHeader header, byte[] plaintext) {
        Epoch current = currentEpoch();
        current.sealed()[0]++;
        try {
            byte[] iv = new byte[12];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, current.dataKey(), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(associatedData(header, current.keyId(), dictionaries != null));
            byte[] ciphertext =
                    cipher.doFinal(dictionaries == null ? plaintext : dictionaries.compress(header.model(), plaintext));
            ByteArrayOutputStream out = new ByteArrayOutputStream(current.keyBlock().length + 12 + ciphertext.length);
            out.writeBytes(current.keyBlock());
            out.writeBytes(iv);
            out.writeBytes(ciphertext);
            return new SealedPayload(current.keyId(), out.toByteArray());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing failed", e);
        }
    }

    @Override
    public byte[] open(TransactionHeader header, String keyId, byte[] payload) {
        throw new UnsupportedOperationException("a sealing node holds no private key; servers open with KeyRing");
    }

    private Epoch currentEpoch() {
        if (epoch == null
                || epoch.sealed()[0] >= epochTransactions
                || Instant.now().isAfter(epoch.started().plus(epochLength))) {
            epoch = newEpoch();
        }
        return epoch;
    }

    private Epoch newEpoch() {
        try {
            String keyId = "dk-" + UUID.randomUUID();
            byte[] dataKey = new byte[32];
            random.nextBytes(dataKey);
            KeyPair ephemeral = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
            byte[] ephemeralPublic = ephemeral.getPublic().getEncoded();
            SecretKey kek = kek(ephemeral.getPrivate(), serverKey, ephemeralPublic, keyId);
            byte[] wrapIv = new byte[12];
            random.nextBytes(wrapIv);
            Cipher wrap = Cipher.getInstance("AES/GCM/NoPadding");
            wrap.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, wrapIv));
            wrap.updateAAD(keyId.getBytes(StandardCharsets.UTF_8));
            byte[] wrapped = wrap.doFinal(dataKey);
            byte[] serverKeyIdBytes = serverKeyId.getBytes(StandardCharsets.UTF_8);
            ByteBuffer block = ByteBuffer.allocate(
                    MAGIC.length + 1 + serverKeyIdBytes.length + 2 + ephemeralPublic.length + 12 + wrapped.length);
            block.put(dictionaries == null ? MAGIC : MAGIC_COMPRESSED)
                    .put((byte) serverKeyIdBytes.length)
                    .put(serverKeyIdBytes)
                    .putShort((short) ephemeralPublic.length)
                    .put(ephemeralPublic)
                    .put(wrapIv)
                    .put(wrapped);
            return new Epoch(keyId, new SecretKeySpec(dataKey, "AES"), block.array(), Instant.now(), new long[1]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("creating a data key failed", e);
        }
    }

    /** The AAD of a payload: the envelope metadata and the key id, and for version 2 the version. */
    static byte[] associatedData(TransactionHeader header, String keyId, boolean compressed) {
        byte[] metadata = header.associatedData();
        byte[] key = ("|" + keyId + (compressed ? "|v2" : "")).getBytes(StandardCharsets.UTF_8);
        byte[] aad = new byte[metadata.length + key.length];
        System.arraycopy(metadata, 0, aad, 0, metadata.length);
        System.arraycopy(key, 0, aad, metadata.length, key.length);
        return aad;
    }

    /** HKDF-SHA256 over the X25519 shared secret, salted with the ephemeral key, bound to the data key's id. */
    static SecretKey kek(PrivateKey ownPrivate, PublicKey otherPublic, byte[] ephemeralPublic, String keyId)
            throws GeneralSecurityException {
        KeyAgreement agreement = KeyAgreement.getInstance(ALGORITHM);
        agreement.init(ownPrivate);
        agreement.doPhase(otherPublic, true);
        byte[] shared = agreement.generateSecret();
        Mac extract = Mac.getInstance("HmacSHA256");
        extract.init(new SecretKeySpec(ephemeralPublic, "HmacSHA256"));
        byte[] prk = extract.doFinal(shared);
        Mac expand = Mac.getInstance("HmacSHA256");
        expand.init(new SecretKeySpec(prk, "HmacSHA256"));
        expand.update(("collect-offline data key v1|" + keyId).getBytes(StandardCharsets.UTF_8));
        expand.update((byte) 1);
        return new SecretKeySpec(expand.doFinal(), "AES");
    }
}
