package io.collectoffline.protocol;

import java.time.OffsetDateTime;

/**
 * Where a device's down-sync stands, as its server sees it (admin: {@code GET /api/v1/devices/{id}/downsync}).
 *
 * @param device       the device
 * @param subscription what it receives ({@code site:<site>} or {@code unsited})
 * @param checkpoint   the position it last asked after (it holds everything up to there); 0 before it first asked
 * @param askedAt      when it last asked; null if never
 * @param latest       the subscription's last position now
 * @param behind       entries of its feed after its checkpoint now
 * @param sealingKey   whether it has registered a sealing key (without one it receives nothing)
 */
public record DeviceDownSync(
        String device,
        String subscription,
        long checkpoint,
        OffsetDateTime askedAt,
        long latest,
        long behind,
        boolean sealingKey) {}
