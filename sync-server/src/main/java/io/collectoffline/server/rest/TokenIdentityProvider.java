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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Whose a bearer token or session is: a person's page session or API token (their role's capabilities, the account
 * as attribute {@link #USER}; {@link UserService#authenticate}), an enrolled, unrevoked device's token (role
 * {@link Roles#DEVICE}, the device as attribute {@link #DEVICE}), or the deprecated shared admin token of
 * {@code sync.server.admin-token} (an admin's capabilities, attributed to {@value #ADMIN_TOKEN_NAME}). Anything else
 * fails authentication.
 */
@ApplicationScoped
public class TokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    /** The attribute holding the authenticated {@link Device}. */
    public static final String DEVICE = "device";
    /** The attribute holding the authenticated person's {@link io.collectoffline.server.users.User}. */
    public static final String USER = "user";
    /** Who the shared admin token's actions are attributed to. */
    public static final String ADMIN_TOKEN_NAME = "admin-token";

    private final ServerConfig config;
    private final DeviceService devices;
    private final UserService users;

    TokenIdentityProvider(ServerConfig config, DeviceService devices, UserService users) {
        this.config = config;
        this.devices = devices;
        this.users = users;
    }

    void warnWhenClosed(@Observes StartupEvent event) {
        if (config.adminToken().isPresent()) {
            Log.warn("sync.server.admin-token is set: a shared credential whose actions name no person (deprecated). "
                    + "Create named admins (runbook: the first admin) and unset it");
        } else if (!users.anyAccount()) {
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
            Optional<String> admin = config.adminToken();
            if (admin.isPresent()
                    && MessageDigest.isEqual(
                            token.getBytes(StandardCharsets.UTF_8), admin.get().getBytes(StandardCharsets.UTF_8))) {
                return QuarkusSecurityIdentity.builder()
                        .setPrincipal(new QuarkusPrincipal(ADMIN_TOKEN_NAME))
                        .addRoles(UserRole.ADMIN.capabilities())
                        .build();
            }
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
