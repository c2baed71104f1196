package io.collectoffline.server.rest;

import io.collectoffline.protocol.Problem;
import io.collectoffline.server.users.IssuedToken;
import io.collectoffline.server.users.User;
import io.collectoffline.server.users.UserRole;
import io.collectoffline.server.users.UserService;
import io.quarkus.security.Authenticated;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * People: logging in and out of the pages, one's own password and API tokens, and (capability {@code users}) the
 * accounts of others (ADR 16). Who acts is always the authenticated account.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = OpenApiDefinition.ADMIN)
@Tag(name = "people")
public class UserResource {

    private final UserService users;
    private final SecurityIdentity identity;

    UserResource(UserService users, SecurityIdentity identity) {
        this.users = users;
        this.identity = identity;
    }

    /**
     * A login.
     *
     * @param username the account's name
     * @param password its password
     */
    public record Login(String username, String password) {}

    /**
     * Who is logged in, with what they may do.
     *
     * @param capabilities what the role allows (README, Security model)
     * @param expiresAt when the session or token ends at the latest
     */
    public record Session(
            String username, String displayName, String role, Set<String> capabilities, OffsetDateTime expiresAt) {}

    /**
     * A new account.
     *
     * @param role admin, data-manager, lab-assistant or monitor
     * @param password at least 10 characters; give it to the person by a separate channel
     */
    public record NewAccount(String username, String displayName, String role, String password) {}

    /** @param role admin, data-manager, lab-assistant or monitor */
    public record RoleChange(String role) {}

    /** @param password the new password, at least 10 characters */
    public record PasswordReset(String password) {}

    public record PasswordChange(String currentPassword, String password) {}

    /**
     * A request for an API token.
     *
     * @param label what it is for ("laptop CLI", "R export script")
     * @param days how long it is valid, at most sync.server.users.api-token-days (90); that many when absent
     */
    public record TokenRequest(String label, Integer days) {}

    @POST
    @Path("/session")
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Log in: a page session (cookie collect_session, HttpOnly, SameSite=Strict)",
            description = "After sync.server.users.lock-after wrong passwords in a row the account is locked for "
                    + "sync.server.users.lock-for. The same answer for a wrong name, a wrong password and a "
                    + "disabled account.")
    @APIResponse(responseCode = "200", description = "Logged in")
    @APIResponse(
            responseCode = "401",
            description = "Wrong name or password, disabled or locked",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response login(Login login, @Context HttpServerRequest request) {
        IssuedToken session =
                users.login(login == null ? null : login.username(), login == null ? null : login.password());
        User user = users.get(session.username());
        return Response.ok(session(user, session.expiresAt()))
                .cookie(new NewCookie.Builder(BearerTokenMechanism.SESSION_COOKIE)
                        .value(session.token())
                        .path("/")
                        .httpOnly(true)
                        .secure(secure(request))
                        .sameSite(NewCookie.SameSite.STRICT)
                        .build())
                .build();
    }

    @GET
    @Path("/session")
    @Authenticated
    @Operation(summary = "Who is logged in (session or API token), and what their role allows")
    public Session current() {
        User user = person();
        return session(user, null);
    }

    @DELETE
    @Path("/session")
    @Authenticated
    @Operation(summary = "Log out: the session (or the API token used) ends now")
    public Response logout(@Context HttpServerRequest request) {
        User user = person();
        TokenCredential credential = identity.getCredential(TokenCredential.class);
        users.end(credential.getToken(), user.username());
        return Response.noContent()
                .cookie(new NewCookie.Builder(BearerTokenMechanism.SESSION_COOKIE)
                        .value("")
                        .path("/")
                        .maxAge(0)
                        .httpOnly(true)
                        .secure(secure(request))
                        .sameSite(NewCookie.SameSite.STRICT)
                        .build())
                .build();
    }

    @PUT
    @Path("/session/password")
    @Authenticated
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change one's own password (the current one is asked); one's other sessions and tokens end")
    @APIResponse(responseCode = "204", description = "Changed")
    public Response changeOwnPassword(PasswordChange change) {
        User user = person();
        users.changeOwnPassword(
                user.username(),
                change == null ? null : change.currentPassword(),
                change == null ? null : change.password(),
                identity.getCredential(TokenCredential.class).getToken());
        return Response.noContent().build();
    }

    @POST
    @Path("/session/tokens")
    @Authenticated
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "An API token for oneself (CLI, scripts): shown once, only its hash is kept")
    @APIResponse(responseCode = "201", description = "The token, shown this once")
    public Response issueToken(TokenRequest request) {
        User user = person();
        IssuedToken token = users.issueApiToken(
                user.username(),
                request == null ? null : request.label(),
                request == null ? null : request.days(),
                user.username());
        return Response.status(201).entity(token).build();
    }

    @GET
    @Path("/users")
    @RolesAllowed(Roles.USERS)
    @Operation(summary = "The accounts (never their passwords)")
    public List<User> list() {
        return users.list();
    }

    @POST
    @Path("/users")
    @RolesAllowed(Roles.USERS)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an account with a role and a first password")
    @APIResponse(responseCode = "201", description = "Created")
    @APIResponse(
            responseCode = "400",
            description = "A field is not as required (each named)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "409",
            description = "The name is taken",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response create(NewAccount account) {
        NewAccount a = account == null ? new NewAccount(null, null, null, null) : account;
        User created =
                users.create(new UserService.NewUser(a.username(), a.displayName(), a.role(), a.password()), actor());
        return Response.status(201).entity(created).build();
    }

    @GET
    @Path("/users/{username}")
    @RolesAllowed(Roles.USERS)
    @Operation(summary = "One account")
    public User get(@PathParam("username") String username) {
        return users.get(username);
    }

    @PUT
    @Path("/users/{username}/role")
    @RolesAllowed(Roles.USERS)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Give an account another role (never the last enabled admin)")
    public User changeRole(@PathParam("username") String username, RoleChange change) {
        return users.changeRole(username, change == null ? null : change.role(), actor());
    }

    @POST
    @Path("/users/{username}/disable")
    @RolesAllowed(Roles.USERS)
    @Operation(summary = "Disable an account: its sessions and tokens end now (never the last enabled admin)")
    public User disable(@PathParam("username") String username) {
        return users.disable(username, actor());
    }

    @POST
    @Path("/users/{username}/enable")
    @RolesAllowed(Roles.USERS)
    @Operation(summary = "Enable an account again (and unlock it)")
    public User enable(@PathParam("username") String username) {
        return users.enable(username, actor());
    }

    @PUT
    @Path("/users/{username}/password")
    @RolesAllowed(Roles.USERS)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Set a new password for someone who forgot theirs: their sessions and tokens end, the lock too")
    @APIResponse(responseCode = "204", description = "Set")
    public Response resetPassword(@PathParam("username") String username, PasswordReset reset) {
        users.resetPassword(username, reset == null ? null : reset.password(), actor());
        return Response.noContent().build();
    }

    @GET
    @Path("/users/audit")
    @RolesAllowed(Roles.USERS)
    @Operation(summary = "What was done to accounts, and the logins, newest first")
    public List<UserService.AuditEntry> audit(@QueryParam("limit") Integer limit) {
        return users.audit(limit == null ? 200 : Math.max(1, Math.min(limit, 10_000)));
    }

    private String actor() {
        return identity.getPrincipal().getName();
    }

    /** The person acting (a device is none). */
    private User person() {
        User user = identity.getAttribute(TokenIdentityProvider.USER);
        if (user == null) {
            throw new io.quarkus.security.ForbiddenException();
        }
        return user;
    }

    private static Session session(User user, OffsetDateTime expiresAt) {
        return new Session(
                user.username(),
                user.displayName(),
                user.role(),
                new TreeSet<>(UserRole.of(user.role()).orElseThrow().capabilities()),
                expiresAt);
    }

    /** Whether the page was reached over HTTPS (directly, or through the nginx in front that says so). */
    private static boolean secure(HttpServerRequest request) {
        return request.isSSL() || "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"));
    }
}
