package io.collectoffline.server.rest;

import io.collectoffline.protocol.Problem;
import io.collectoffline.server.records.RecordExport;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Data out for analysis: a model's applied records, or the audit history of a set of them, streamed as CSV or JSON
 * lines (README, Data out). Anyone who may read the data may export it.
 */
@Path("/api/v1/exports/{model}")
@SecurityRequirement(name = OpenApiDefinition.ADMIN)
@Tag(name = "records")
@RolesAllowed(Roles.READ)
public class ExportResource {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private final RecordExport export;

    ExportResource(RecordExport export) {
        this.export = export;
    }

    @GET
    @Produces({"text/csv", "application/x-ndjson"})
    @Operation(
            summary = "A model's applied records as CSV (header row) or JSON lines, streamed",
            description = "Columns: the model's table columns in table order (GET …/columns). Rows by creation time, "
                    + "then id. CSV: UTF-8, comma-separated, RFC 4180 quoting, empty for null, CRLF line ends.")
    @APIResponse(responseCode = "200", description = "The export, streamed")
    @APIResponse(
            responseCode = "400",
            description = "A filter or the format is not valid (each named)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "404",
            description = "No such model",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response records(@PathParam("model") String model, @BeanParam Query query) {
        return export(model, query, false);
    }

    @GET
    @Path("/history")
    @Produces({"text/csv", "application/x-ndjson"})
    @Operation(
            summary = "The audit history of a model's records (the same filters): every applied change, streamed",
            description = "Columns: " + "record_id, tx_id, action, producer, seq, site, user_modified, modified, "
                    + "device_modified, hostname_modified, applied_at, applied_order, overruled; in settled order.")
    @APIResponse(responseCode = "200", description = "The history, streamed")
    @APIResponse(
            responseCode = "400",
            description = "A filter or the format is not valid (each named)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response history(@PathParam("model") String model, @BeanParam Query query) {
        return export(model, query, true);
    }

    @GET
    @Path("/columns")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The columns of the model's export, in order")
    public List<String> columns(@PathParam("model") String model) {
        return export.columns(model);
    }

    /** The format and filters of an export (both endpoints). */
    public static class Query {
        @Parameter(description = "csv (default) or jsonl")
        @QueryParam("format")
        public String format;

        @Parameter(description = "records at home in this site")
        @QueryParam("site")
        public String site;

        @Parameter(description = "created on or after this day (UTC), 2026-12-01")
        @QueryParam("from")
        public String from;

        @Parameter(description = "created on or before this day (UTC)")
        @QueryParam("to")
        public String to;

        @Parameter(description = "with a change applied here at or after this date or instant")
        @QueryParam("changedSince")
        public String changedSince;
    }

    private Response export(String model, Query query, boolean history) {
        RecordExport.Format format = RecordExport.Format.of(query.format);
        RecordExport.Filter filter = RecordExport.Filter.parse(query.site, query.from, query.to, query.changedSince);
        export.columns(model); // an unknown model is a 404 before the stream starts
        StreamingOutput body = history
                ? out -> export.history(model, filter, format, out)
                : out -> export.records(model, filter, format, out);
        return attachment(body, format, history ? model + "-history" : model);
    }

    private static Response attachment(StreamingOutput body, RecordExport.Format format, String name) {
        String file = name.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + STAMP.format(OffsetDateTime.now(ZoneOffset.UTC))
                + "." + format.extension();
        return Response.ok(body, format.mediaType())
                .header("Content-Disposition", "attachment; filename=\"" + file + "\"")
                .build();
    }
}
