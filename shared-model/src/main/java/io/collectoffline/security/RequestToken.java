package io.collectoffline.security;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;

/**
 * The token a request authenticates with, in both apps: its bearer token (scripts, the CLI, devices), else its page
 * session cookie — for a read (GET, HEAD) always, for a change only with the header {@value #PAGE_HEADER} that the
 * pages send and that a form or link of another site cannot add (cross-site request forgery), on top of the cookie's
 * SameSite=Strict.
 */
public final class RequestToken {

    /** The header the pages send with every request, which lets the session cookie authenticate a change. */
    public static final String PAGE_HEADER = "X-Collect-Page";

    private RequestToken() {}

    /** The token of {@code request}, its session cookie being {@code cookieName}; null when it has none it may use. */
    public static String of(HttpServerRequest request, String cookieName) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = header.substring(7).trim();
            return token.isEmpty() ? null : token;
        }
        Cookie cookie = request.getCookie(cookieName);
        if (cookie == null || cookie.getValue().isBlank()) {
            return null;
        }
        String method = request.method().name();
        boolean reads = method.equals("GET") || method.equals("HEAD");
        return reads || request.getHeader(PAGE_HEADER) != null ? cookie.getValue() : null;
    }
}
