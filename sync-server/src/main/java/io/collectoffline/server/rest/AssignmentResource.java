package io.collectoffline.server.rest;

import io.collectoffline.protocol.Inputs;
import io.collectoffline.protocol.InvalidInputException;
import io.collectoffline.protocol.Problem;
import io.collectoffline.server.devices.DeviceService;
import io.collectoffline.server.downsync.Assignments;
import io.collectoffline.server.downsync.Assignments.AssignmentList;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Assignments (ADR 14): the records an admin gives to one device or to a site's team, which the device (every device
 * of the site) then receives with its down-sync instead of its whole site's.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = OpenApiDefinition.ADMIN)
@RolesAllowed(Roles.READ)
@Tag(name = "admin")
public class AssignmentResource {

    private final Assignments assignments;
    private final DeviceService devices;

    AssignmentResource(Assignments assignments, DeviceService devices) {
        this.assignments = assignments;
        this.devices = devices;
    }

    /**
     * Records to assign.
     *
     * @param model the offline model ({@code study.household}, {@code study.subject}, ...)
     * @param keys  each a record id, or the record's natural key when the model's has one field (a household or
     *              subject identifier); at most 1000
     */
    public record AssignRequest(String model, List<String> keys) {}

    @GET
    @Path("/devices/{deviceId}/assignments")
    @Operation(summary = "What is assigned to a device itself (its site team's assignments apply too)")
    @APIResponse(
            responseCode = "200",
            description = "The device's assignments",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = AssignmentList.class)))
    @APIResponse(
            responseCode = "404",
            description = "No such device",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public AssignmentList ofDevice(@PathParam("deviceId") String deviceId) {
        return assignments.list(device(deviceId));
    }

    @RolesAllowed(Roles.DEVICES)
    @POST
    @Path("/devices/{deviceId}/assignments")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Assign records to a device",
            description = "From its next down-sync the device receives these records, the records under them and the "
                    + "records they depend on (and its own changes and the reference lists) instead of its whole "
                    + "site's; its down-sync starts again from the beginning of the new feed (what it holds is "
                    + "skipped, not sent twice over). All or nothing: a key naming no record here assigns nothing. "
                    + "The authenticated account is recorded as who assigned.")
    @APIResponse(
            responseCode = "200",
            description = "The device's assignments now",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = AssignmentList.class)))
    @APIResponse(
            responseCode = "400",
            description = "Unknown model, or keys naming no record here (each listed); nothing assigned",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "404",
            description = "No such device",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public AssignmentList assignToDevice(
            @PathParam("deviceId") String deviceId, AssignRequest request, @Context SecurityContext caller) {
        return assign(device(deviceId), request, Caller.name(caller));
    }

    @RolesAllowed(Roles.DEVICES)
    @DELETE
    @Path("/devices/{deviceId}/assignments")
    @Operation(
            summary = "Take a record off a device's assignment",
            description = "?model= and ?key= (record id or natural key). With nothing left assigned the device "
                    + "receives its site's records again. What it received stays on it (ADR 14: kept, not purged).")
    @APIResponse(
            responseCode = "200",
            description = "The device's assignments now",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = AssignmentList.class)))
    @APIResponse(
            responseCode = "400",
            description = "Unknown model, or the record is not assigned to the device",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public AssignmentList unassignFromDevice(
            @PathParam("deviceId") String deviceId,
            @QueryParam("model") String model,
            @QueryParam("key") String key,
            @Context SecurityContext caller) {
        return assignments.unassign(device(deviceId), model, key, Caller.name(caller));
    }

    @GET
    @Path("/sites/{site}/assignments")
    @Operation(summary = "What is assigned to a site's team (every device of the site)")
    @APIResponse(
            responseCode = "200",
            description = "The site team's assignments",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = AssignmentList.class)))
    public AssignmentList ofSite(@PathParam("site") String site) {
        return assignments.list(site(site));
    }

    @RolesAllowed(Roles.DEVICES)
    @POST
    @Path("/sites/{site}/assignments")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Assign records to a site's team",
            description = "Every device of the site receives these records (with what is under them and what they "
                    + "depend on) instead of the site's own; as for a device. The authenticated account is recorded.")
    @APIResponse(
            responseCode = "200",
            description = "The site team's assignments now",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = AssignmentList.class)))
    @APIResponse(
            responseCode = "400",
            description = "Not a site id, unknown model, or keys naming no record here; nothing assigned",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public AssignmentList assignToSite(
            @PathParam("site") String site, AssignRequest request, @Context SecurityContext caller) {
        return assign(site(site), request, Caller.name(caller));
    }

    @RolesAllowed(Roles.DEVICES)
    @DELETE
    @Path("/sites/{site}/assignments")
    @Operation(summary = "Take a record off a site team's assignment (?model= and ?key=)")
    @APIResponse(
            responseCode = "200",
            description = "The site team's assignments now",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = AssignmentList.class)))
    @APIResponse(
            responseCode = "400",
            description = "Not a site id, unknown model, or the record is not assigned to the site",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public AssignmentList unassignFromSite(
            @PathParam("site") String site,
            @QueryParam("model") String model,
            @QueryParam("key") String key,
            @Context SecurityContext caller) {
        return assignments.unassign(site(site), model, key, Caller.name(caller));
    }

    private AssignmentList assign(String target, AssignRequest request, String by) {
        return assignments.assign(
                target, request == null ? null : request.model(), request == null ? null : request.keys(), by);
    }

    /** The target of an enrolled device's assignments; 404 when there is no such device. */
    private String device(String deviceId) {
        return Assignments.deviceTarget(devices.get(deviceId).deviceId());
    }

    private static String site(String site) {
        if (!Inputs.siteErrors(site).isEmpty()) {
            throw new InvalidInputException("Not a site", Inputs.siteErrors(site));
        }
        return Assignments.siteTarget(site);
    }
}
