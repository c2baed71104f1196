package io.collectoffline.server.rest;

import io.collectoffline.security.RequestToken;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * Reads the bearer token of a request, or the page session's cookie {@value #SESSION_COOKIE}, for Quarkus Security;
 * {@link TokenIdentityProvider} says whose it is. A request without one is anonymous: the endpoints' roles decide
 * whether that is enough (DESIGN §7). The session cookie is HttpOnly and SameSite=Strict; besides, a request that
 * changes something ({@code POST}, {@code PUT}, {@code DELETE}) is authenticated by the cookie only with the header
 * {@value #PAGE_HEADER} that the pages send, which a form or link of another site cannot add (cross-site request
 * forgery).
 */
@ApplicationScoped
public class BearerTokenMechanism implements HttpAuthenticationMechanism {

    /** The page session's cookie. */
    public static final String SESSION_COOKIE = "collect_session";
    /** The header the pages send with every request, which lets the session cookie authenticate a change. */
    public static final String PAGE_HEADER = RequestToken.PAGE_HEADER;

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String token = RequestToken.of(context.request(), SESSION_COOKIE);
        if (token == null) {
            return Uni.createFrom().optional(java.util.Optional.empty());
        }
        return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(
                new TokenAuthenticationRequest(new TokenCredential(token, "bearer")), context));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenAuthenticationRequest.class);
    }
}
