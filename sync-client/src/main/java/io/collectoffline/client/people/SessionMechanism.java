package io.collectoffline.client.people;

import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.security.RequestToken;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * Who is entering data, for Quarkus Security. With logins required: the person of a valid login, from the page's
 * cookie {@value #COOKIE} (HttpOnly, SameSite=Strict; a change also needs the pages' header {@value #PAGE_HEADER}) or
 * a bearer token (scripts); anything else is anonymous and the data endpoints answer 401. With logins off: whoever
 * the header {@value #USER_HEADER} names, else {@code sync.client.records.default-user}. Either way the identity has
 * the role {@value #ENTRY}, which the data endpoints ask for, and its name is what every change records.
 */
@ApplicationScoped
public class SessionMechanism implements HttpAuthenticationMechanism {

    /** The role of whoever may enter and read data here. */
    public static final String ENTRY = "entry";
    /** The login's cookie. */
    public static final String COOKIE = "collect_laptop_session";
    /** The header the pages send, which lets the cookie authenticate a change. */
    public static final String PAGE_HEADER = RequestToken.PAGE_HEADER;
    /** With logins off, the header naming the person entering data. */
    public static final String USER_HEADER = "X-Collect-User";
    /** The attribute holding the login's token. */
    public static final String TOKEN = "token";

    private final ClientConfig config;
    private final LaptopSessions sessions;

    SessionMechanism(ClientConfig config, LaptopSessions sessions) {
        this.config = config;
        this.sessions = sessions;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        if (config.users().login() == ClientConfig.Users.Login.off) {
            String named = context.request().getHeader(USER_HEADER);
            String user = named == null || named.isBlank() ? config.records().defaultUser() : named.trim();
            return Uni.createFrom().item(identity(user, null));
        }
        String token = RequestToken.of(context.request(), COOKIE);
        if (token == null) {
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom() // the login is checked against the accounts table: off the event loop
                .item(() -> sessions.current(token)
                        .map(login -> identity(login.username(), token))
                        .orElse(null))
                .runSubscriptionOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool());
    }

    private static SecurityIdentity identity(String user, String token) {
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(user))
                .addRole(ENTRY);
        if (token != null) {
            builder.addAttribute(TOKEN, token);
        }
        return builder.build();
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of();
    }
}
