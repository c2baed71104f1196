package io.collectoffline.server.rest;

import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * The OpenAPI document's two bearer-token schemes: a device's token (issued once at enrolment) for
 * the {@code ingest} operations, the administrator's token ({@code sync.server.admin-token}) for the rest.
 */
@OpenAPIDefinition(info = @org.eclipse.microprofile.openapi.annotations.info.Info(
        title = "collect-offline server API", version = "1.0"), components = @Components(securitySchemes = {
                @SecurityScheme(securitySchemeName = OpenApiDefinition.DEVICE, type = SecuritySchemeType.HTTP,
                        scheme = "bearer", description = "A device's token, shown once when it was enrolled"),
                @SecurityScheme(securitySchemeName = OpenApiDefinition.ADMIN, type = SecuritySchemeType.HTTP,
                        scheme = "bearer", description = "The administrator's token (sync.server.admin-token)")}))
public final class OpenApiDefinition {

    /** Security scheme of device endpoints. */
    public static final String DEVICE = "deviceToken";
    /** Security scheme of admin endpoints. */
    public static final String ADMIN = "adminToken";

    private OpenApiDefinition() {
    }
}
