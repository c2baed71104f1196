package io.collectoffline.client.records;

import io.collectoffline.protocol.Problem;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /api/v1/models}: which entities are offline models (django-collect-offline's {@code site_models}). */
@Path("/api/v1/models")
@Tag(name = "models")
public class ModelsResource {

    private final RecordsService records;

    ModelsResource(RecordsService records) {
        this.records = records;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Registered offline models, or (offline=false) the JPA entities that are not")
    public List<ModelInfo> models(
            @Parameter(description = "true (default): offline models; false: the others")
                    @QueryParam("offline")
                    @DefaultValue("true")
                    String offline) {
        if (!"true".equals(offline) && !"false".equals(offline)) {
            throw new InvalidRecordException(
                    "Invalid query", List.of(new Problem.FieldError("offline", "must be true or false")));
        }
        return records.models(Boolean.parseBoolean(offline));
    }
}
