package io.collectoffline.server.rest;

import io.collectoffline.server.config.ServerConfig;
import io.collectoffline.server.devices.Device;
import io.collectoffline.server.devices.DeviceService;
import io.collectoffline.server.users.UserRole;
import io.collectoffline.server.users.UserService;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Whose a bearer token or session is: a person's page session or API token (their role's capabilities, the account
 * as attribute {@link #USER}; {@link UserService#authenticate}), or an enrolled, unrevoked device's token (role
 * {@link Roles#DEVICE}, the device as attribute {@link #DEVICE}). Anything else fails authentication.
 */
@ApplicationScoped
public class TokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    /** The attribute holding the authenticated {@link Device}. */
    public static final String DEVICE = "device";
    /** The attribute holding the authenticated person's {@link io.collectoffline.server.users.User}. */
    public static final String USER = "user";

    private final ServerConfig config;
    private final DeviceService devices;
    private final UserService users;

    TokenIdentityProvider(ServerConfig config, DeviceService devices, UserService users) {
        this.config = config;
        this.devices = devices;
        this.users = users;
    }

    void atStart(@Observes StartupEvent event) {
        if (config.adminToken().isPresent()) {
            throw new IllegalStateException("sync.server.admin-token (SYNC_SERVER_ADMIN_TOKEN) is no longer accepted: "
                    + "a shared token names no person. Make named admins ('java -jar quarkus-run.jar users add-admin "
                    + "<name>', runbook) and remove the setting");
        }
        if (!users.anyAccount()) {
            Log.warn("No account exists yet: create the first admin with "
                    + "'java -jar quarkus-run.jar users add-admin <name>' (runbook)");
        }
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
            TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        String token = request.getToken().getToken();
        return context.runBlocking(() -> {
            if (token.startsWith(UserService.SESSION_PREFIX) || token.startsWith(UserService.API_PREFIX)) {
                UserService.Authenticated person = users.authenticate(token)
                        .orElseThrow(() -> new AuthenticationFailedException(
                                "The session or token is not valid (expired, ended, or its account disabled)"));
                return QuarkusSecurityIdentity.builder()
                        .setPrincipal(new QuarkusPrincipal(person.user().username()))
                        .addRoles(
                                UserRole.of(person.user().role()).orElseThrow().capabilities())
                        .addAttribute(USER, person.user())
                        .addCredential(new io.quarkus.security.credential.TokenCredential(token, person.kind()))
                        .build();
            }
            Device device = devices.authenticate(token)
                    .orElseThrow(
                            () -> new AuthenticationFailedException("The token is not valid (unknown or revoked)"));
            return QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal(device.deviceId()))
                    .addRole(Roles.DEVICE)
                    .addAttribute(DEVICE, device)
                    .build();
        });
    }
}
