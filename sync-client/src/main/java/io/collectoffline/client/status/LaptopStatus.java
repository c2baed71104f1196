package io.collectoffline.client.status;

import io.collectoffline.client.downsync.DownSyncStatus;
import io.collectoffline.client.identity.NodeIdentity;
import io.collectoffline.client.push.PushStatus;
import java.time.OffsetDateTime;

/**
 * What the laptop reports about its capture, outbox and push ({@code GET /api/v1/status}).
 *
 * @param producer                 the producer its new transactions are captured on: its device id, or a stream
 *                                 of it after a divergence
 * @param role                     {@code field} or {@code middleman}
 * @param captureEnabled           false when the kill switch is off: changes are not being captured
 * @param payloadCodec             codec sealing new payloads
 * @param pending                  transactions not yet acknowledged by the next hop (including rejected ones)
 * @param oldestPendingCapturedAt  capture time of the oldest pending transaction, null when none
 * @param oldestPendingAgeSeconds  its age in seconds, null when none
 * @param lastSeq                  highest seq captured so far (0 before the first change)
 * @param rejected                 pending transactions the server refused (see {@code /api/v1/outbox/rejected})
 * @param consumedByMiddleman      pending transactions a middleman has pulled and stored (still pending here
 *                                 until the server acknowledges them)
 * @param relayedPending           on a middleman: pending transactions pulled from field laptops
 * @param offlineModels            number of registered offline models
 * @param push                     the push's state
 * @param deviceId                 this laptop's device id
 * @param divergence               when this laptop's stream diverged from what a server or middleman holds
 *                                 (restored backup, reinstall with the same id, cloned image) and how it recovered;
 *                                 absent when it never did
 * @param downsync                 what this laptop receives from its server (two-way): checkpoint, behind by,
 *                                 last down-sync, received records per outcome
 * @param accounts                 how many people may log in here, and when the server issued their list
 */
public record LaptopStatus(
        String producer,
        String role,
        boolean captureEnabled,
        String payloadCodec,
        long pending,
        OffsetDateTime oldestPendingCapturedAt,
        Long oldestPendingAgeSeconds,
        long lastSeq,
        long rejected,
        long consumedByMiddleman,
        long relayedPending,
        int offlineModels,
        PushStatus push,
        String deviceId,
        NodeIdentity.Divergence divergence,
        DownSyncStatus downsync,
        io.collectoffline.client.people.LaptopAccounts.Summary accounts) {}
