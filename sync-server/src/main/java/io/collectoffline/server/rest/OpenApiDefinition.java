package io.collectoffline.server.rest;

/**
 * The names of the OpenAPI document's two bearer-token schemes: a device's token (issued once at enrolment) for the
 * {@code ingest} operations, declared on {@link BatchResource}; a person's API token or page session for the rest,
 * declared on {@link IncomingResource}.
 */
public final class OpenApiDefinition {

    /** Security scheme of device endpoints. */
    public static final String DEVICE = "deviceToken";
    /** Security scheme of the endpoints people call. */
    public static final String ADMIN = "personToken";

    private OpenApiDefinition() {}
}
