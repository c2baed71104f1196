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
 */
public record PullReport(
        String producer,
        int pulled,
        int alreadyHeld,
        int acknowledged,
        int specimens,
        Integer downsync,
        String downsyncStopped) {

    public PullReport(String producer, int pulled, int alreadyHeld, int acknowledged, int specimens) {
        this(producer, pulled, alreadyHeld, acknowledged, specimens, null, null);
    }
}
