package io.collectoffline.client.files;

import io.collectoffline.protocol.Problem;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /api/v1/files}: the outbox to a file for a USB stick, and the server's receipt back. */
@Path("/api/v1/files")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "files")
public class FilesResource {

    private final FileExportService files;

    FilesResource(FileExportService files) {
        this.files = files;
    }

    @POST
    @Path("/export")
    @Operation(
            summary = "Write the pending outbox into an export file under files/outgoing/",
            description = "For a laptop with no network and no middleman: copy the file to a USB stick and give it to "
                    + "a server (its inbox folder, `files import`, or POST /api/v1/files there). Nothing is marked "
                    + "delivered until the server's receipt comes back. includeUnconfirmed=true also exports what "
                    + "earlier files carried whose receipt never came back (a lost stick).")
    public FileExportService.ExportReport export(
            @QueryParam("includeUnconfirmed") @DefaultValue("false") boolean includeUnconfirmed) throws IOException {
        return files.export(includeUnconfirmed);
    }

    @POST
    @Path("/receipts")
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(
            summary = "Take the server's receipt for one of this laptop's export files",
            description = "What the server stored is delivered, what it refused is kept with the reason. Taking "
                    + "the same receipt again changes nothing.")
    @APIResponse(
            responseCode = "400",
            description = "Not a usable receipt, or not for an export of this laptop",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "200",
            description = "What the receipt marked",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = FileExportService.ReceiptReport.class)))
    public FileExportService.ReceiptReport receipt(InputStream body, @HeaderParam("X-File-Name") String name)
            throws IOException {
        java.nio.file.Path upload = Files.createTempFile("receipt-", ".receipt");
        try {
            Files.copy(body, upload, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return files.takeReceipt(upload);
        } finally {
            Files.deleteIfExists(upload);
        }
    }

    @GET
    @Operation(summary = "This laptop's export files, newest first, and whether their receipt came back")
    public List<FileExportService.ExportFile> exports(@QueryParam("limit") @DefaultValue("100") int limit) {
        return files.exports(Math.max(1, Math.min(limit, 1000)));
    }
}
