package io.collectoffline.server.rest;

import io.collectoffline.codec.ServerPublicKey;
import io.collectoffline.protocol.DeviceDownSync;
import io.collectoffline.protocol.Problem;
import io.collectoffline.server.devices.Device;
import io.collectoffline.server.devices.DeviceService;
import io.collectoffline.server.devices.Enrolment;
import io.collectoffline.server.devices.SiteSummary;
import io.collectoffline.server.downsync.DownSyncFeed;
import io.collectoffline.server.keys.ServerKeys;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Device enrolment and revocation (admin), and the server's public key (devices). */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = OpenApiDefinition.ADMIN)
@RolesAllowed(Roles.READ)
public class DeviceResource {

    private final DeviceService devices;
    private final ServerKeys keys;
    private final DownSyncFeed feed;

    DeviceResource(DeviceService devices, ServerKeys keys, DownSyncFeed feed) {
        this.feed = feed;
        this.devices = devices;
        this.keys = keys;
    }

    /**
     * What an admin asks to enrol.
     *
     * @param deviceId the device's id (its producer id)
     * @param role     field, middleman or server
     * @param site     the site (study community) it belongs to; optional
     */
    public record EnrolRequest(String deviceId, String role, String site) {}

    /**
     * A device's new site.
     *
     * @param site the site id; null or absent for none
     */
    public record SiteRequest(String site) {}

    @RolesAllowed(Roles.DEVICES)
    @POST
    @Path("/devices")
    @Consumes(MediaType.APPLICATION_JSON)
    @Tag(name = "admin")
    @Operation(
            summary = "Enrol a device; its token is in this answer only",
            description = "The authenticated account is recorded as who enrolled it.")
    @APIResponse(
            responseCode = "201",
            description = "Enrolled; keep the token, it is never shown again",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Enrolment.class)))
    @APIResponse(
            responseCode = "409",
            description = "The id is taken",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response enrol(EnrolRequest request, @Context SecurityContext caller) {
        Enrolment enrolment = devices.enrol(
                request == null ? null : request.deviceId(),
                request == null ? null : request.role(),
                request == null ? null : request.site(),
                Caller.name(caller));
        return Response.status(201).entity(enrolment).build();
    }

    @GET
    @Path("/devices")
    @Tag(name = "admin")
    @Operation(summary = "Enrolled devices with their last contact")
    public List<Device> list() {
        return devices.list();
    }

    @GET
    @Path("/devices/{deviceId}")
    @Tag(name = "admin")
    @Operation(summary = "One enrolled device")
    public Device get(@PathParam("deviceId") String deviceId) {
        return devices.get(deviceId);
    }

    @GET
    @Path("/devices/{deviceId}/downsync")
    @Tag(name = "admin")
    @Operation(
            summary = "Where a device's down-sync stands",
            description = "What it is subscribed to, the position it last asked after (it holds everything up to "
                    + "there), when, how many entries of its feed it is behind by now, and whether it registered "
                    + "the sealing key its down-sync is sealed to.")
    @APIResponse(
            responseCode = "200",
            description = "The device's down-sync",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = DeviceDownSync.class)))
    @APIResponse(
            responseCode = "404",
            description = "No such device",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public DeviceDownSync downSync(@PathParam("deviceId") String deviceId) {
        return feed.status(devices.get(deviceId));
    }

    @RolesAllowed(Roles.DEVICES)
    @POST
    @Path("/devices/{deviceId}/revoke")
    @Tag(name = "admin")
    @Operation(summary = "Revoke a device's token: refused from its next request on")
    public Device revoke(@PathParam("deviceId") String deviceId, @Context SecurityContext caller) {
        return devices.revoke(deviceId, Caller.name(caller));
    }

    @GET
    @Path("/sites")
    @Tag(name = "admin")
    @Operation(
            summary = "Sites known here: devices assigned, producers whose latest transaction carries the site",
            description =
                    "Filter by site with ?site= on /api/v1/status, /api/v1/incoming and " + "/api/v1/reconciliation.")
    public List<SiteSummary> sites() {
        return devices.sites();
    }

    @RolesAllowed(Roles.DEVICES)
    @PUT
    @Path("/devices/{deviceId}/site")
    @Consumes(MediaType.APPLICATION_JSON)
    @Tag(name = "admin")
    @Operation(
            summary = "Move a device to another site (or none)",
            description = "Transactions stored from now on carry the new site; those stored before keep theirs. "
                    + "The authenticated account is named in the log.")
    @APIResponse(
            responseCode = "400",
            description = "Not a site id",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "404",
            description = "No such device",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "200",
            description = "The device, now in the site",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Device.class)))
    public Device assignSite(
            @PathParam("deviceId") String deviceId, SiteRequest request, @Context SecurityContext caller) {
        return devices.assignSite(deviceId, request == null ? null : request.site(), Caller.name(caller));
    }

    @GET
    @SecurityRequirement(name = OpenApiDefinition.DEVICE)
    @RolesAllowed(Roles.DEVICE)
    @Path("/keys/current")
    @Tag(name = "ingest")
    @Operation(summary = "The public key devices seal payloads to")
    public ServerPublicKey currentKey() {
        return keys.current();
    }
}
