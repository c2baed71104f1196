package io.collectoffline.client.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.collectoffline.client.middleman.NotAMiddlemanException;
import io.collectoffline.client.outbox.OutboxStateException;
import io.collectoffline.client.records.RecordConflictException;
import io.collectoffline.client.records.RecordNotFoundException;
import io.collectoffline.offline.UnknownModelException;
import io.collectoffline.protocol.BusyDatabase;
import io.collectoffline.protocol.DiskFull;
import io.collectoffline.protocol.Inputs;
import io.collectoffline.protocol.InvalidInputException;
import io.collectoffline.protocol.InvalidParameterException;
import io.collectoffline.protocol.Problem;
import io.collectoffline.shipping.ChecksummedFile;
import io.collectoffline.shipping.LinkFailure;
import io.quarkus.logging.Log;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Maps every failure of the laptop's API to RFC 9457 {@code application/problem+json} (DESIGN §5, invariant 7):
 * client mistakes are 4xx naming what is wrong; anything unexpected is a generic 500 whose id is in the log, with
 * no class names or stack traces in the answer.
 */
public class ProblemMapper {

    private final io.agroal.api.AgroalDataSource dataSource;

    ProblemMapper(io.agroal.api.AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    static final String PREFIX = Problem.TYPE_PREFIX;
    public static final String INVALID_INPUT = PREFIX + "invalid-input";
    public static final String MALFORMED_JSON = PREFIX + "malformed-json";
    public static final String UNKNOWN_MODEL = PREFIX + "unknown-model";
    public static final String RECORD_NOT_FOUND = PREFIX + "record-not-found";
    public static final String NATURAL_KEY_TAKEN = PREFIX + "natural-key-taken";
    public static final String STALE_VERSION = PREFIX + "stale-version";
    public static final String ID_TAKEN = PREFIX + "id-taken";
    public static final String RECORD_REFERENCED = PREFIX + "record-referenced";
    public static final String OUTBOX_STATE = PREFIX + "outbox-state";
    public static final String NOT_A_MIDDLEMAN = PREFIX + "not-a-middleman";
    public static final String FIELD_LAPTOP_UNREACHABLE = PREFIX + "field-laptop-unreachable";
    public static final String FIELD_LAPTOP_REFUSED = PREFIX + "field-laptop-refused";
    public static final String UNUSABLE_FILE = PREFIX + "unusable-file";

    @ServerExceptionMapper
    public Response invalid(InvalidInputException e, UriInfo uri) {
        return problem(INVALID_INPUT, "Invalid input", 400, e.getMessage(), uri, e.errors());
    }

    /**
     * Bean Validation's violations of the constraints on parameters (paging, site ids, …): the same answer as above,
     * each field named. A violated return value is this node's own fault: a 500 like any other.
     */
    @ServerExceptionMapper
    public Response violations(ConstraintViolationException e, UriInfo uri) {
        if (Inputs.ofReturnValue(e.getConstraintViolations())) {
            return unexpected(e, uri);
        }
        return invalid(Inputs.invalid(e.getConstraintViolations()), uri);
    }

    /** A query or path parameter that is not of its type (WholeNumberParameters): the same answer as above. */
    /** Data asked for without a login, where logins are required (the laptop is locked). */
    @ServerExceptionMapper
    public Response notLoggedIn(io.quarkus.security.UnauthorizedException e, UriInfo uri) {
        return Response.status(401)
                .type(Problem.MEDIA_TYPE)
                .header("WWW-Authenticate", "Bearer")
                .entity(new Problem(
                        Problem.TYPE_PREFIX + "unauthorized",
                        "Unauthorized",
                        401,
                        "Log in first (POST /api/v1/session, or the pages): this laptop enters and shows data only for "
                                + "a person logged in with an account the server sent, and locks after a while idle",
                        uri.getPath(),
                        List.of()))
                .build();
    }

    @ServerExceptionMapper
    public Response expiredLogin(io.quarkus.security.AuthenticationFailedException e, UriInfo uri) {
        return notLoggedIn(new io.quarkus.security.UnauthorizedException(), uri);
    }

    @ServerExceptionMapper
    public Response invalidParameter(InvalidParameterException e, UriInfo uri) {
        return invalid(e.input(), uri);
    }

    @ServerExceptionMapper
    public Response malformed(JsonProcessingException e, UriInfo uri) {
        String where = e.getLocation() == null
                ? ""
                : " at line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr();
        return problem(
                MALFORMED_JSON, "Malformed JSON", 400, "The request body is not valid JSON" + where, uri, List.of());
    }

    /**
     * A body of the wrong shape for a typed request (an array where an object goes, …): Quarkus REST ships a mapper
     * for exactly this exception that answers a bare 400, so it needs one of its own to answer a problem.
     */
    @ServerExceptionMapper
    public Response mismatched(com.fasterxml.jackson.databind.exc.MismatchedInputException e, UriInfo uri) {
        return malformed(e, uri);
    }

    @ServerExceptionMapper
    public Response unknownModel(UnknownModelException e, UriInfo uri) {
        return problem(
                UNKNOWN_MODEL, "Unknown model", 404, e.getMessage() + "; see GET /api/v1/models", uri, List.of());
    }

    @ServerExceptionMapper
    public Response notFound(RecordNotFoundException e, UriInfo uri) {
        return problem(RECORD_NOT_FOUND, "Record not found", 404, e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response conflict(RecordConflictException e, UriInfo uri) {
        String type = switch (e.kind()) {
            case NATURAL_KEY -> NATURAL_KEY_TAKEN;
            case STALE_VERSION -> STALE_VERSION;
            case ID_TAKEN -> ID_TAKEN;
            case REFERENCED -> RECORD_REFERENCED;
        };
        return problem(type, "Conflict", 409, e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response outboxState(OutboxStateException e, UriInfo uri) {
        return problem(OUTBOX_STATE, "Conflict", 409, e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response notAMiddleman(NotAMiddlemanException e, UriInfo uri) {
        return problem(NOT_A_MIDDLEMAN, "Conflict", 409, e.getMessage(), uri, List.of());
    }

    /**
     * A middleman's pull whose field laptop could not be reached, or refused it: the request was understood, the
     * pull not done.
     */
    @ServerExceptionMapper
    public Response fieldLaptop(LinkFailure e, UriInfo uri) {
        if (e.kind() == LinkFailure.Kind.UNAVAILABLE || e.kind() == LinkFailure.Kind.TIMEOUT) {
            return problem(FIELD_LAPTOP_UNREACHABLE, "Field laptop unreachable", 422, e.getMessage(), uri, List.of());
        }
        return problem(FIELD_LAPTOP_REFUSED, "Field laptop refused the pull", 422, e.getMessage(), uri, List.of());
    }

    /** A receipt that is truncated, corrupt or not a receipt: nothing of it is used. */
    @ServerExceptionMapper
    public Response unusableFile(ChecksummedFile.UnusableFileException e, UriInfo uri) {
        return problem(
                UNUSABLE_FILE, "Unusable file", 400, "Nothing of it was used: " + e.getMessage(), uri, List.of());
    }

    /** Routing and content negotiation failures of the framework (404, 405, 406, 415, …) keep their status. */
    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (status == 400 && e.getCause() instanceof JsonProcessingException json) {
            return malformed(json, uri);
        }
        if (status >= 500) {
            return unexpected(e, uri);
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(Problem.ofStatus(
                        status, known != null ? known.getReasonPhrase() : null, e.getMessage(), uri.getPath()))
                .build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        if (DiskFull.is(e)) {
            Log.errorf("The disk of this laptop's database is full: %s wrote nothing (%s)", uri.getPath(), e);
            // H2 stops writing to its file after the failed write, and every pooled connection to it fails from then
            // on: closing them lets the next one open the file again once space is freed
            dataSource.flush(io.agroal.api.AgroalDataSource.FlushMode.ALL);
            return DiskFull.answer(uri.getPath());
        }
        if (BusyDatabase.is(e)) {
            // waited longer than the lock timeout (10 s) for another transaction — a bulk load of thousands of records
            // on a slow laptop holds the capture counter that long — or lost a deadlock: nothing was written
            return BusyDatabase.answer(uri.getPath());
        }
        String id = UUID.randomUUID().toString();
        Log.errorf(e, "Unexpected error %s on %s", id, uri.getPath());
        return Response.status(500)
                .type(Problem.MEDIA_TYPE)
                .entity(Problem.internal(id))
                .build();
    }

    private static Response problem(
            String type, String title, int status, String detail, UriInfo uri, List<Problem.FieldError> errors) {
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem(type, title, status, detail, uri.getPath(), errors))
                .build();
    }
}
