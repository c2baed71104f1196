package io.collectoffline.server.rest;

/** The roles of the server's callers (DESIGN §7), checked with {@code @RolesAllowed} on every API resource. */
public final class Roles {

    /** The holder of {@code sync.server.admin-token}: administration. */
    public static final String ADMIN = "admin";
    /** An enrolled, unrevoked device: delivery of batches, watermarks, the server's key. */
    public static final String DEVICE = "device";

    private Roles() {}
}
