package io.collectoffline.protocol;

import java.time.Instant;

/**
 * A field laptop's answer to an account list a middleman carried to it ({@link AccountList}, issue 19).
 *
 * @param taken    whether the laptop now holds the carried list
 * @param issued   when the list the laptop holds now was issued by the server
 * @param accounts how many people may log in on it now
 * @param reason   why it kept the one it held (it holds one as new or newer), or null
 */
public record CarriedAccounts(boolean taken, Instant issued, int accounts, String reason) {}
