package io.collectoffline.client.middleman;

/**
 * How a pull from a field laptop went.
 *
 * @param producer     the field laptop
 * @param pulled       transactions newly stored here
 * @param alreadyHeld  transactions offered that this laptop already held (an earlier, interrupted pull)
 * @param acknowledged transactions the field laptop newly marked as consumed by this middleman
 * @param specimens    drawn specimens in its manifest
 * @param downsync     down-sync entries carried from the server that the field laptop applied at this pull
 *                     (two-way); null when none were carried for it
 * @param downsyncStopped why the field laptop stopped taking them, when it did (null otherwise)
 * @param accountsTaken whether the field laptop took the account list this middleman carried (false: it holds one as
 *                      new); null when none was handed over
 * @param accounts      how many people may log in on the field laptop after the pull; null when none was handed over
 */
public record PullReport(
        String producer,
        int pulled,
        int alreadyHeld,
        int acknowledged,
        int specimens,
        Integer downsync,
        String downsyncStopped,
        Boolean accountsTaken,
        Integer accounts) {

    public PullReport(String producer, int pulled, int alreadyHeld, int acknowledged, int specimens) {
        this(producer, pulled, alreadyHeld, acknowledged, specimens, null, null, null, null);
    }
}
