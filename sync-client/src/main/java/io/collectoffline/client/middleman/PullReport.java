package io.collectoffline.client.middleman;

/**
 * How a pull from a field laptop went.
 *
 * @param producer     the field laptop
 * @param pulled       transactions newly stored here
 * @param alreadyHeld  transactions offered that this laptop already held (an earlier, interrupted pull)
 * @param acknowledged transactions the field laptop newly marked as consumed by this middleman
 * @param specimens    drawn specimens in its manifest
 */
public record PullReport(String producer, int pulled, int alreadyHeld, int acknowledged, int specimens) {}
