package io.collectoffline.client.downsync;

import java.time.OffsetDateTime;

/**
 * What one down-sync did.
 *
 * @param outcome    {@code DONE} (nothing more to receive now), {@code STOPPED} (an entry this laptop must not apply
 *                   yet: see {@code stopped}), {@code FAILED} (the server could not be reached or refused: see
 *                   {@code error}; the link to the server backs off, for the push too), {@code AUTH_FAILED} (the
 *                   server refused this laptop's token: revoked or wrong; the scheduled push and down-sync stop until
 *                   it is fixed), {@code NO_SERVER}
 * @param started    when it started
 * @param ended      when it ended
 * @param pages      pages received
 * @param applied    received changes written here (with those refused before, written now their cause is gone)
 * @param held       server versions kept back because a local edit of the record is pending
 * @param verdicts   this laptop's own changes back with the server's verdict
 * @param overruled  changes the server did not write (nothing to write here either)
 * @param refused    changes this database refused (listed with their reasons in {@code received_transaction}); a
 *                   refused version is kept and written after a later page once its cause is gone
 * @param checkpoint the position this laptop holds now
 * @param behind     how many positions the server had beyond it when last asked
 * @param stopped    why the down-sync stopped before the end (e.g. "update this laptop's app"), or null
 * @param error      why it failed, or null
 */
public record DownSyncReport(
        String outcome,
        OffsetDateTime started,
        OffsetDateTime ended,
        int pages,
        int applied,
        int held,
        int verdicts,
        int overruled,
        int refused,
        long checkpoint,
        long behind,
        String stopped,
        String error) {}
