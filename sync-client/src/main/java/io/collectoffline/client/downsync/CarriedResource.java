package io.collectoffline.client.downsync;

import io.collectoffline.protocol.AccountList;
import io.collectoffline.protocol.CarriedAccounts;
import io.collectoffline.protocol.CarriedAnswer;
import io.collectoffline.protocol.DownSyncPage;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What a middleman hands this field laptop from the server (pairing token, like the rest of the pull API):
 * {@code POST /api/v1/outbox/downsync}, the down-sync it carried, and {@code POST /api/v1/outbox/accounts}, the
 * account list people log in with.
 */
@Path("/api/v1/outbox")
@Tag(name = "pull", description = "What a middleman calls on a field laptop")
public class CarriedResource {

    private final DownSyncService downsync;

    CarriedResource(DownSyncService downsync) {
        this.downsync = downsync;
    }

    @POST
    @Path("/downsync")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Take down-sync entries a middleman carried here",
            description = "Each entry must be signed by this laptop's server for this laptop and follow the "
                    + "position it holds; the laptop applies them as if it had fetched them itself and answers the "
                    + "position it holds now (the middleman drops what it carried up to there).")
    public CarriedAnswer carried(DownSyncPage page) {
        return downsync.receiveCarried(page);
    }

    @POST
    @Path("/accounts")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Take the account list a middleman carried here",
            description = "The list must be signed by this laptop's server (400 otherwise: nothing changes); it "
                    + "replaces the accounts people log in with here when it is newer than the one held, else the "
                    + "answer says the laptop kept its own (taken false).")
    public CarriedAccounts accounts(AccountList list) {
        return downsync.receiveCarriedAccounts(list);
    }
}
