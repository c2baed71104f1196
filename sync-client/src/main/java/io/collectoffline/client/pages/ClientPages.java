package io.collectoffline.client.pages;

import com.fasterxml.jackson.databind.JsonNode;
import io.collectoffline.client.reconciliation.ReconciliationService;
import io.collectoffline.client.records.RecordPage;
import io.collectoffline.client.records.RecordsService;
import io.collectoffline.client.records.RecordsService.FieldInfo;
import io.collectoffline.client.status.LaptopStatus;
import io.collectoffline.client.status.StatusService;
import io.collectoffline.protocol.ReconciliationReport;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The laptop's pages: status with "push now" and live progress, a records browser with a data entry form per
 * offline model, and the middleman's reconciliation. Server-rendered (Qute); the small scripts call the same JSON
 * API as integrators do, so the pages add no behaviour of their own.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class ClientPages {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance index(LaptopStatus status, List<String> models);

        static native TemplateInstance records(
                String model,
                List<FieldInfo> fields,
                RecordPage page,
                List<JsonNode> rows,
                List<String> models,
                boolean loginRequired,
                String user);

        static native TemplateInstance login(int accounts, java.time.Instant issued);

        static native TemplateInstance reconciliation(ReconciliationReport report, List<String> models);
    }

    private final StatusService status;
    private final RecordsService records;
    private final ReconciliationService reconciliation;
    private final io.collectoffline.client.config.ClientConfig config;
    private final io.quarkus.security.identity.SecurityIdentity identity;
    private final io.collectoffline.client.people.LaptopAccounts accounts;

    ClientPages(
            StatusService status,
            RecordsService records,
            ReconciliationService reconciliation,
            io.collectoffline.client.config.ClientConfig config,
            io.quarkus.security.identity.SecurityIdentity identity,
            io.collectoffline.client.people.LaptopAccounts accounts) {
        this.status = status;
        this.records = records;
        this.reconciliation = reconciliation;
        this.config = config;
        this.identity = identity;
        this.accounts = accounts;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance index() {
        return Templates.index(status.status(), models());
    }

    @GET
    @Path("records/{model}")
    @Operation(hidden = true)
    public jakarta.ws.rs.core.Response records(@PathParam("model") String model) {
        if (identity.isAnonymous()) { // a locked laptop shows no data: log in first
            return jakarta.ws.rs.core.Response.seeOther(java.net.URI.create("/login?next="
                            + java.net.URLEncoder.encode("/records/" + model, java.nio.charset.StandardCharsets.UTF_8)))
                    .build();
        }
        RecordPage page = records.list(model, 0, 50);
        return jakarta.ws.rs.core.Response.ok(Templates.records(
                        model,
                        records.fields(model),
                        page,
                        page.items(),
                        models(),
                        config.users().login() == io.collectoffline.client.config.ClientConfig.Users.Login.required,
                        identity.getPrincipal().getName()))
                .build();
    }

    @GET
    @Path("login")
    @Operation(hidden = true)
    public TemplateInstance login() {
        io.collectoffline.client.people.LaptopAccounts.Summary held = accounts.summary();
        return Templates.login(held.count(), held.issued());
    }

    @GET
    @Path("reconciliation")
    @Operation(hidden = true)
    public TemplateInstance reconciliation() {
        return Templates.reconciliation(reconciliation.report(null), models());
    }

    private List<String> models() {
        return records.models(true).stream().map(m -> m.name()).toList();
    }
}
