package io.collectoffline.client.people;

import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.protocol.Problem;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Logging in and out on this laptop, with no network (issue 19). */
@Path("/api/v1/session")
@Tag(name = "people")
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    private final LaptopSessions sessions;
    private final LaptopAccounts accounts;
    private final ClientConfig config;
    private final SecurityIdentity identity;

    SessionResource(LaptopSessions sessions, LaptopAccounts accounts, ClientConfig config, SecurityIdentity identity) {
        this.sessions = sessions;
        this.accounts = accounts;
        this.config = config;
        this.identity = identity;
    }

    /**
     * A login.
     *
     * @param username the person's account name (as the server has it)
     * @param password their password
     */
    public record Login(String username, String password) {}

    /**
     * Who enters data here.
     *
     * @param login whether logins are required on this laptop
     * @param accounts how many people may log in here
     * @param token the login's token (for scripts: Authorization: Bearer); the pages use the cookie
     */
    public record Who(String username, boolean login, int accounts, String token) {}

    @POST
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Log in with an account the server sent (no network needed): cookie collect_laptop_session")
    @APIResponse(responseCode = "200", description = "Logged in")
    @APIResponse(
            responseCode = "401",
            description = "Wrong name or password, or too many wrong passwords",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response login(Login login) {
        try {
            String token =
                    sessions.login(login == null ? null : login.username(), login == null ? null : login.password());
            return Response.ok(new Who(login.username(), true, accounts.count(), token))
                    .cookie(new NewCookie.Builder(SessionMechanism.COOKIE)
                            .value(token)
                            .path("/")
                            .httpOnly(true)
                            .sameSite(NewCookie.SameSite.STRICT)
                            .build())
                    .build();
        } catch (LaptopSessions.LoginFailedException e) {
            return Response.status(401)
                    .type(Problem.MEDIA_TYPE)
                    .entity(new Problem(
                            Problem.TYPE_PREFIX + "login-failed",
                            "Login failed",
                            401,
                            e.getMessage(),
                            "/api/v1/session",
                            List.of()))
                    .build();
        }
    }

    @GET
    @RolesAllowed(SessionMechanism.ENTRY)
    @Operation(summary = "Who is entering data here")
    public Who current() {
        return new Who(
                identity.getPrincipal().getName(),
                config.users().login() == ClientConfig.Users.Login.required,
                accounts.count(),
                null);
    }

    @DELETE
    @PermitAll
    @Operation(summary = "Log out (lock the laptop)")
    @APIResponse(responseCode = "204", description = "Logged out")
    public Response logout() {
        sessions.logout(identity.getAttribute(SessionMechanism.TOKEN));
        return Response.noContent()
                .cookie(new NewCookie.Builder(SessionMechanism.COOKIE)
                        .value("")
                        .path("/")
                        .maxAge(0)
                        .httpOnly(true)
                        .sameSite(NewCookie.SameSite.STRICT)
                        .build())
                .build();
    }
}
