package io.collectoffline.server.users;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The role of a person's account, and what it lets them do. Endpoints are checked against capabilities (the
 * constants here, used with {@code @RolesAllowed}); a role is a set of capabilities, so what each role may do is
 * written in one place (this enum) and tested per endpoint.
 */
public enum UserRole {
    /** Everything: people, devices and sites, and all a data manager does. */
    ADMIN("admin", Set.of(UserRole.USERS, UserRole.DEVICES, UserRole.DATA, UserRole.LAB, UserRole.READ)),
    /** The data: incoming transactions and their decisions, conflicts, files, exports, lab reconciliation. */
    DATA_MANAGER("data-manager", Set.of(UserRole.DATA, UserRole.LAB, UserRole.READ)),
    /** The lab: reconciliation (which tubes are expected, which are in hand) and marking tubes received. */
    LAB_ASSISTANT("lab-assistant", Set.of(UserRole.LAB)),
    /** Read-only: status, devices, incoming transactions, records, their history, exports. */
    MONITOR("monitor", Set.of(UserRole.READ)),
    /**
     * Enters data on field laptops, where they log in with no network (their account travels to the laptops); on
     * the server, only their own session and password.
     */
    RESEARCH_ASSISTANT("research-assistant", Set.of());

    /** Manage people's accounts. */
    public static final String USERS = "users";
    /** Enrol, revoke and move devices; assign records to devices and sites. */
    public static final String DEVICES = "devices";
    /** Decide about incoming transactions (retry, skip, resolve) and move files. */
    public static final String DATA = "data";
    /** Lab reconciliation: read it and mark tubes received. */
    public static final String LAB = "lab";
    /** Read status, devices, incoming transactions, records and exports. */
    public static final String READ = "read";

    private final String id;
    private final Set<String> capabilities;

    UserRole(String id, Set<String> capabilities) {
        this.id = id;
        this.capabilities = capabilities;
    }

    /** The role as written in accounts, the API and the CLI. */
    public String id() {
        return id;
    }

    public Set<String> capabilities() {
        return capabilities;
    }

    public static Optional<UserRole> of(String id) {
        return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
    }

    /** The roles' ids, for messages. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(UserRole::id).toList();
    }
}
