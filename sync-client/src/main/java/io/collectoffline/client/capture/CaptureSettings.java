package io.collectoffline.client.capture;

import io.collectoffline.codec.PayloadCodec;
import io.collectoffline.offline.OfflineModelRegistry;

/**
 * What the capture trigger needs to know, fixed at start-up.
 *
 * @param device   this laptop's device id, written into the audit fields and the local history
 * @param producer the stream every transaction is captured on: the device id, or a stream of it after a
 *                 divergence (README, Guarantees 8)
 * @param hostname this machine's name, for the audit fields
 * @param signer   this device's signing key: every captured transaction is signed with it
 * @param enabled  false when the kill switch is off: audit and history only, no transactions
 * @param codec    seals each snapshot into the payload
 * @param registry the offline models, looked up by table
 */
record CaptureSettings(
        String device,
        String producer,
        io.collectoffline.codec.DeviceSigningKey signer,
        String hostname,
        boolean enabled,
        PayloadCodec codec,
        OfflineModelRegistry registry) {}
