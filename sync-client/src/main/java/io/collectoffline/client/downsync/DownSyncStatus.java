package io.collectoffline.client.downsync;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * Where this laptop's down-sync stands ({@code GET /api/v1/downsync}, and in {@code GET /api/v1/status}).
 *
 * @param subscription what the server sends this laptop ({@code site:<site>}, {@code unsited}, or
 *                   {@code assigned:<digest>} when records are assigned to it); null before its first down-sync
 * @param checkpoint the server position this laptop holds everything up to
 * @param latest     the server's last position for this laptop's subscription when it last asked
 * @param behind     latest - checkpoint: positions still to receive, as far as this laptop knows
 * @param lastAt     when a down-sync last ended without an error; null before the first
 * @param stopped    why the down-sync stops at the checkpoint (e.g. "update this laptop's app"); null when it does not
 * @param running    whether one runs now
 * @param received   received transactions per outcome (APPLIED, HELD, VERDICT, OVERRULED, REFUSED, SUPERSEDED: refused
 *                   here, then replaced by a later version of the record before it could be written)
 * @param heldBack   server versions of records with a pending local edit here, waiting for the edit's verdict
 * @param last       the last down-sync since this app started, or null
 */
public record DownSyncStatus(
        String subscription,
        long checkpoint,
        long latest,
        long behind,
        OffsetDateTime lastAt,
        String stopped,
        boolean running,
        Map<String, Long> received,
        long heldBack,
        DownSyncReport last) {}
