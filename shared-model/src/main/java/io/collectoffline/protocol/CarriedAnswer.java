package io.collectoffline.protocol;

/**
 * A field laptop's answer to down-sync entries a middleman carried to it (two-way, ADR 14).
 *
 * @param checkpoint the position of its feed it holds now: the middleman drops what it carried up to there
 * @param applied    entries written
 * @param stopped    why it stopped before the end (an entry not signed by its server, one left out, an app too old
 *                   for the data, …), or null
 */
public record CarriedAnswer(long checkpoint, int applied, String stopped) {}
