package io.collectoffline.server.rest;

import io.collectoffline.protocol.AccountList;
import io.collectoffline.server.ingest.SenderForbiddenException;
import io.collectoffline.server.users.UserService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The people who may log in on a field laptop with no network (issue 19): every enabled research assistant, with
 * their password's hash only. A laptop fetches them whenever it reaches the server and keeps exactly that list, so a
 * disabled account or a new password reaches it with its next contact. The list is signed with the server's signing
 * key, so that a middleman can carry it to laptops that never reach the server, unable to alter or replay it.
 */
@Path("/api/v1/accounts")
@SecurityRequirement(name = OpenApiDefinition.DEVICE)
@Tag(name = "ingest")
@RolesAllowed(Roles.DEVICE)
public class AccountsResource {

    private final UserService users;
    private final CallerDevice caller;

    AccountsResource(UserService users, CallerDevice caller) {
        this.users = users;
        this.caller = caller;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "The accounts a field laptop or middleman logs people in with, offline (hashes only)",
            description = "Signed with the server's signing key (the down-sync's): a middleman carries the list to "
                    + "the field laptops it serves, which take it only when signed by their server and newer than "
                    + "the one they hold.")
    public AccountList accounts() {
        if (!caller.get().logsPeopleIn()) {
            throw new SenderForbiddenException(
                    "A server device has no one to log in: laptop accounts go to field laptops and middlemen");
        }
        return users.laptopAccounts();
    }
}
