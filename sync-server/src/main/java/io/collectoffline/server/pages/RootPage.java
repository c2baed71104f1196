package io.collectoffline.server.pages;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The server's root sends a browser to the admin page (it answered 404 before). */
@Path("/")
@PermitAll
public class RootPage {

    @GET
    @Operation(hidden = true)
    public Response root() {
        return Response.seeOther(URI.create("/admin")).build();
    }
}
