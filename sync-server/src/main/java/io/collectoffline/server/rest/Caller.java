package io.collectoffline.server.rest;

import jakarta.ws.rs.core.SecurityContext;

/** Who is acting, for the audit of what they do: the authenticated account (or device), never a header they name. */
final class Caller {

    private Caller() {}

    static String name(SecurityContext security) {
        return security.getUserPrincipal() == null
                ? null
                : security.getUserPrincipal().getName();
    }
}
