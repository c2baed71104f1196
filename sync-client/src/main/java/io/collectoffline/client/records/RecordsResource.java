package io.collectoffline.client.records;

import com.fasterxml.jackson.databind.JsonNode;
import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.protocol.Problem;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The data entry API for offline models: stable paths for forms and integrators. Every write here is captured.
 */
@Path("/api/v1/records/{model}")
@Tag(name = "records")
@jakarta.annotation.security.RolesAllowed(io.collectoffline.client.people.SessionMechanism.ENTRY)
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(
        responseCode = "404",
        description = "Unknown model or record",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class RecordsResource {

    /** With logins off, the header naming the person entering data (recorded in the audit fields and history). */
    public static final String USER_HEADER = io.collectoffline.client.people.SessionMechanism.USER_HEADER;

    private final RecordsService records;
    private final ClientConfig config;

    RecordsResource(RecordsService records, ClientConfig config) {
        this.records = records;
        this.config = config;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a record", description = "The id is minted unless the body brings one.")
    @APIResponse(responseCode = "201", description = "Created; body is the stored record")
    @APIResponse(
            responseCode = "400",
            description = "Malformed or invalid fields (all listed)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "409",
            description = "Natural key or id already taken",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response create(
            @PathParam("model") String model, JsonNode body, @Context SecurityContext caller, @Context UriInfo uri) {
        JsonNode created = records.create(model, body, user(caller));
        return Response.created(uri.getAbsolutePathBuilder()
                        .path(created.get("id").asText())
                        .build())
                .entity(created)
                .build();
    }

    @POST
    @Path("/bulk")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Create many records at once",
            description = "A JSON array of up to 5000 records of one "
                    + "model, created in one database transaction: all or none. Each is captured like a record created "
                    + "alone. For loading a list (an enumeration, a baseline) onto the laptop.")
    @APIResponse(responseCode = "200", description = "All created; body says how many")
    @APIResponse(
            responseCode = "400",
            description = "Not an array, too long, or a record invalid (fields are named "
                    + "by array index, e.g. [3].village); nothing was created",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "409",
            description = "A natural key or id already taken; nothing was created",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Map<String, Integer> createAll(
            @PathParam("model") String model, JsonNode body, @Context SecurityContext caller) {
        return Map.of("created", records.createAll(model, body, user(caller)));
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace a record's fields", description = "The body must carry the version edited.")
    @APIResponse(responseCode = "200", description = "Updated; body is the stored record")
    @APIResponse(
            responseCode = "400",
            description = "Malformed or invalid fields (all listed)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "409",
            description = "Stale version or natural key taken",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public JsonNode update(
            @PathParam("model") String model,
            @PathParam("id") String id,
            JsonNode body,
            @Context SecurityContext caller) {
        return records.update(model, uuid(id), body, user(caller));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a record")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(
            responseCode = "409",
            description = "Stale version, or other records refer to it",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response delete(
            @PathParam("model") String model,
            @PathParam("id") String id,
            @Parameter(description = "expected stored version") @QueryParam("version") Long version,
            @Context SecurityContext caller) {
        records.delete(model, uuid(id), version, user(caller));
        return Response.noContent().build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Read a record")
    @APIResponse(
            responseCode = "200",
            description = "The record",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public JsonNode get(@PathParam("model") String model, @PathParam("id") String id) {
        return records.get(model, uuid(id));
    }

    @GET
    @Operation(summary = "List a model's records, oldest first, a page at a time")
    @APIResponse(
            responseCode = "200",
            description = "A page of records, oldest first",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = RecordPage.class)))
    public RecordPage list(
            @PathParam("model") String model,
            @QueryParam("page") @DefaultValue("0") int page,
            @QueryParam("size") @DefaultValue("50") int size) {
        return records.list(model, page, size);
    }

    @GET
    @Path("/{id}/history")
    @Operation(summary = "The record's changes on this laptop, oldest first")
    @APIResponse(
            responseCode = "200",
            description = "The record's changes on this laptop",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = HistoryEntry.class, type = SchemaType.ARRAY)))
    public List<HistoryEntry> history(@PathParam("model") String model, @PathParam("id") String id) {
        return records.history(model, uuid(id));
    }

    /** Who enters the change: the logged-in person (or, with logins off, whom the header names). */
    private String user(SecurityContext caller) {
        String header = caller.getUserPrincipal().getName();
        if (header.length() > 50) {
            throw new InvalidRecordException(
                    "Invalid user", List.of(new Problem.FieldError(USER_HEADER, "must be at most 50 characters")));
        }
        return header.trim();
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException(
                    "Invalid record id",
                    List.of(new Problem.FieldError("id", "must be a UUID, not '" + abbreviate(id) + "'")));
        }
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }
}
