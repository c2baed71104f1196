package io.collectoffline.client.capture;

import io.collectoffline.codec.PayloadCodec;
import io.collectoffline.offline.OfflineModelRegistry;

/**
 * What the capture trigger needs to know, fixed at start-up.
 *
 * @param producer device id written as every transaction's producer and into the audit fields
 * @param hostname this machine's name, for the audit fields
 * @param enabled  false when the kill switch is off: audit and history only, no transactions
 * @param codec    seals each snapshot into the payload
 * @param registry the offline models, looked up by table
 */
record CaptureSettings(String producer, String hostname, boolean enabled, PayloadCodec codec,
        OfflineModelRegistry registry) {
}
