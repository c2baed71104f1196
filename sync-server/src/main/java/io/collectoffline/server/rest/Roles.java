package io.collectoffline.server.rest;

import io.collectoffline.server.users.UserRole;

/**
 * What the server's callers may do (DESIGN §7), checked with {@code @RolesAllowed} on every API resource: a device's
 * role, and the capabilities that people's roles are made of ({@link UserRole}: which role has which is written
 * there).
 */
public final class Roles {

    /** An enrolled, unrevoked device: delivery of batches, watermarks, the server's key. */
    public static final String DEVICE = "device";
    /** Manage people's accounts. */
    public static final String USERS = UserRole.USERS;
    /** Enrol, revoke and move devices; assign records. */
    public static final String DEVICES = UserRole.DEVICES;
    /** Decide about incoming transactions and move files. */
    public static final String DATA = UserRole.DATA;
    /** Lab reconciliation. */
    public static final String LAB = UserRole.LAB;
    /** Read status, devices, incoming transactions, records. */
    public static final String READ = UserRole.READ;

    private Roles() {}
}
