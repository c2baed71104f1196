package io.collectoffline.protocol;

/**
 * A person who may log in on a field laptop with no network (issue 19): what the server sends a laptop of every
 * enabled research assistant. Only the password's hash travels ({@link io.collectoffline.security.PasswordHash}).
 *
 * @param username     the account's name, recorded as the user of every change they enter
 * @param displayName  their full name
 * @param passwordHash the stored hash of their password
 */
public record LaptopAccount(String username, String displayName, String passwordHash) {}
