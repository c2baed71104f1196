package io.collectoffline.server.rest;

import io.collectoffline.protocol.DeviceId;
import io.collectoffline.protocol.DownSyncPage;
import io.collectoffline.protocol.InvalidInputException;
import io.collectoffline.protocol.Problem;
import io.collectoffline.server.devices.Device;
import io.collectoffline.server.devices.DeviceService;
import io.collectoffline.server.downsync.DownSyncFeed;
import io.collectoffline.server.ingest.SenderForbiddenException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Two-way: the records a device receives (its down-sync feed, ADR 14). */
@Path("/api/v1/downsync")
@Tag(name = "ingest", description = "What devices call")
@SecurityRequirement(name = OpenApiDefinition.DEVICE)
@RolesAllowed(Roles.DEVICE)
public class DownSyncResource {

    private final DownSyncFeed feed;
    private final CallerDevice caller;
    private final DeviceService devices;

    DownSyncResource(DownSyncFeed feed, CallerDevice caller, DeviceService devices) {
        this.feed = feed;
        this.caller = caller;
        this.devices = devices;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @io.quarkus.vertx.http.Compressed // gzip when the device accepts it (Accept-Encoding)
    @Operation(
            summary = "The calling device's down-sync: settled transactions of its subscription after a position",
            description = "The transactions this server applied (or skipped) of the records at home in the device's "
                    + "site (a device without a site: those without one), or of the records assigned to it, and of "
                    + "the reference models, in the order the server settled them, its own included so that it "
                    + "learns each verdict; records an entry depends on that the feed lacks come with the page. "
                    + "Each entry says whether the server wrote it (overruled: it lost a conflicting edit or was "
                    + "skipped, and carries no payload); written ones carry their payload sealed again to the "
                    + "device's registered sealing key. Ask again after "
                    + "'next' until 'more' is false; asking after a position records it as the device's "
                    + "checkpoint. Idempotent. With 'for', a middleman fetches the feed of a field laptop of its own "
                    + "site to carry it there: sealed to that laptop and signed for it, so the middleman can neither "
                    + "read nor alter it (its checkpoint is then not recorded: the laptop's own answer counts). "
                    + "Pages are gzip-compressed for a client that sends Accept-Encoding: gzip.")
    @APIResponse(
            responseCode = "200",
            description = "One page of the feed",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = DownSyncPage.class)))
    @APIResponse(
            responseCode = "400",
            description = "A position below 0, a limit outside 1..1000, or 'for' that is not a device id",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "401",
            description = "No valid device token (a revoked device receives nothing)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "403",
            description = "'for' a device this caller may not carry for",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "404",
            description = "'for' a device not enrolled here",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "409",
            description = "The device has registered no sealing key yet (it does with its next push)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public DownSyncPage page(
            @Parameter(
                            description = "the last position the device holds (0 for none)",
                            schema = @Schema(type = SchemaType.INTEGER, minimum = "0"))
                    @QueryParam("after")
                    @DefaultValue("0")
                    long after,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "1000"))
                    @QueryParam("limit")
                    @DefaultValue("500")
                    int limit,
            @Parameter(description = "a middleman: the field laptop of its site whose feed it carries")
                    @QueryParam("for")
                    String forDevice,
            @Parameter(
                            description = "the newest sealed payload version the device's app opens: 2 (compressed, "
                                    + "ADR 15) or 1 (apps before it; the default). A middleman's carried pages are "
                                    + "always version 1, as the laptop they are for may be older",
                            schema = @Schema(type = SchemaType.INTEGER, minimum = "1"))
                    @QueryParam("payloads")
                    @DefaultValue("1")
                    int payloads) {
        Device me = caller.get();
        if (forDevice == null || forDevice.equals(me.deviceId())) {
            return feed.page(me, after, limit, true, payloads >= 2);
        }
        if (!DeviceId.isValid(forDevice)) {
            throw new InvalidInputException(
                    "Not a device id", List.of(new Problem.FieldError("for", "must be a device id")));
        }
        Device target = devices.get(forDevice);
        if (!me.relays() || target.revokedAt() != null || !java.util.Objects.equals(me.site(), target.site())) {
            throw new SenderForbiddenException("Device " + me.deviceId() + " may not carry the down-sync of "
                    + forDevice + ": only a middleman of the same site carries for an enrolled, unrevoked laptop");
        }
        return feed.page(target, after, limit, false, false);
    }
}
