package io.collectoffline.server.rest;

import io.collectoffline.server.config.ServerConfig;
import io.collectoffline.server.devices.Device;
import io.collectoffline.server.devices.DeviceService;
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
 * Whose a bearer token is: the admin token of {@code sync.server.admin-token} (role {@link Roles#ADMIN}), or an
 * enrolled, unrevoked device's token (role {@link Roles#DEVICE}, the device as attribute {@link #DEVICE}). Anything
 * else fails authentication.
 */
@ApplicationScoped
public class TokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    /** The attribute holding the authenticated {@link Device}. */
    public static final String DEVICE = "device";

    private final ServerConfig config;
    private final DeviceService devices;

    TokenIdentityProvider(ServerConfig config, DeviceService devices) {
        this.config = config;
        this.devices = devices;
    }

    void warnWhenClosed(@Observes StartupEvent event) {
        if (config.adminToken().isEmpty()) {
            Log.warn("Administration is closed: set sync.server.admin-token (env SYNC_SERVER_ADMIN_TOKEN) to enrol "
                    + "devices and see the status");
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
                        .setPrincipal(new QuarkusPrincipal("admin"))
                        .addRole(Roles.ADMIN)
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
