package io.collectoffline.server.pages;

import io.collectoffline.server.config.ServerConfig;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The server's page: log in, then per-producer progress, devices (enrol, revoke), assignments, incoming transactions
 * by status with retry and skip, and people's accounts — each part shown to the roles that may use it. The page itself
 * holds no data: it calls the API with the session's cookie (HttpOnly) and the page header.
 */
@Path("/admin")
@PermitAll
public class AdminPage {

    private final Template admin;
    private final ServerConfig config;
    private final io.collectoffline.server.model.ServerModels models;

    AdminPage(
            @Location("admin.html") Template admin,
            ServerConfig config,
            io.collectoffline.server.model.ServerModels models) {
        this.admin = admin;
        this.config = config;
        this.models = models;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public TemplateInstance page() {
        return admin.data("node", config.nodeId())
                .data(
                        "models",
                        models.registry().models().stream()
                                .map(io.collectoffline.offline.ModelDescriptor::name)
                                .sorted()
                                .toList());
    }
}
