package io.collectoffline.server.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.collectoffline.offline.UnknownModelException;
import io.collectoffline.protocol.BusyDatabase;
import io.collectoffline.protocol.DiskFull;
import io.collectoffline.protocol.Inputs;
import io.collectoffline.protocol.InvalidInputException;
import io.collectoffline.protocol.InvalidParameterException;
import io.collectoffline.protocol.Problem;
import io.collectoffline.server.apply.ProducerNotFoundException;
import io.collectoffline.server.apply.TransactionNotFoundException;
import io.collectoffline.server.apply.TransactionStateException;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.devices.DeviceConflictException;
import io.collectoffline.server.devices.DeviceNotFoundException;
import io.collectoffline.server.downsync.NoSealingKeyException;
import io.collectoffline.server.files.FileRefusedException;
import io.collectoffline.server.ingest.BatchTooLargeException;
import io.collectoffline.server.ingest.SenderForbiddenException;
import io.collectoffline.server.reconciliation.TubeAlreadyInHandException;
import io.collectoffline.server.records.RecordNotFoundException;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Maps every failure of the server's API to RFC 9457 {@code application/problem+json} (DESIGN §5, invariant 7):
 * client mistakes are 4xx naming what is wrong; anything unexpected is a generic 500 whose id is in the log.
 */
public class ProblemMapper {

    private final io.quarkus.security.identity.SecurityIdentity identity;
    private final ActiveDatabase database;

    ProblemMapper(io.quarkus.security.identity.SecurityIdentity identity, ActiveDatabase database) {
        this.identity = identity;
        this.database = database;
    }

    static final String PREFIX = Problem.TYPE_PREFIX;
    public static final String DATABASE_UNAVAILABLE = PREFIX + "database-unavailable";
    public static final String INVALID_INPUT = PREFIX + "invalid-input";
    public static final String MALFORMED_JSON = PREFIX + "malformed-json";
    public static final String TOO_LARGE = PREFIX + "too-large";
    public static final String UNKNOWN_MODEL = PREFIX + "unknown-model";
    public static final String RECORD_NOT_FOUND = PREFIX + "record-not-found";
    public static final String TRANSACTION_NOT_FOUND = PREFIX + "transaction-not-found";
    public static final String PRODUCER_NOT_FOUND = PREFIX + "producer-not-found";
    public static final String TRANSACTION_STATE = PREFIX + "transaction-state";
    public static final String FORBIDDEN = PREFIX + "forbidden";
    public static final String DEVICE_NOT_FOUND = PREFIX + "device-not-found";
    public static final String DEVICE_CONFLICT = PREFIX + "device-conflict";
    public static final String TUBE_IN_HAND = PREFIX + "tube-already-in-hand";
    public static final String FILE_REFUSED = PREFIX + "file-refused";
    public static final String UNAUTHORIZED = PREFIX + "unauthorized";
    public static final String NO_SEALING_KEY = PREFIX + "no-sealing-key";
    public static final String USER_NOT_FOUND = PREFIX + "user-not-found";
    public static final String USER_CONFLICT = PREFIX + "user-conflict";
    public static final String LOGIN_FAILED = PREFIX + "login-failed";

    /** A bearer token or session that is no one's (unknown, revoked, expired). */
    @ServerExceptionMapper
    public Response tokenNotValid(AuthenticationFailedException e, UriInfo uri) {
        return unauthorized("The token or session is not valid (unknown, revoked, expired or ended)", uri);
    }

    /** No bearer token where one is needed. */
    @ServerExceptionMapper
    public Response tokenMissing(UnauthorizedException e, UriInfo uri) {
        return unauthorized(
                "A bearer token is required (an enrolled device's, or a person's API token), or a page session "
                        + "(log in on /admin)",
                uri);
    }

    /**
     * A valid token of the wrong kind (a device's on an endpoint people call, a person's on a device endpoint):
     * answered like a missing one, so that a token's kind is not revealed; a person whose role does not allow the
     * call is told so (403).
     */
    @ServerExceptionMapper
    public Response tokenOfAnotherKind(io.quarkus.security.ForbiddenException e, UriInfo uri) {
        io.collectoffline.server.users.User person = identity.getAttribute(TokenIdentityProvider.USER);
        if (person != null && !isDeviceEndpoint(uri)) {
            return problem(
                    FORBIDDEN,
                    "Forbidden",
                    403,
                    "The role of '" + person.username() + "' (" + person.role() + ") does not allow this; README, "
                            + "Security model, lists what each role may do",
                    uri,
                    List.of());
        }
        return unauthorized(
                "This endpoint needs "
                        + (isDeviceEndpoint(uri) ? "an enrolled device's token" : "a person's session or API token"),
                uri);
    }

    private static boolean isDeviceEndpoint(UriInfo uri) {
        return uri.getPath().startsWith("/api/v1/batches")
                || uri.getPath().startsWith("/api/v1/producers/")
                || uri.getPath().startsWith("/api/v1/downsync")
                || uri.getPath().equals("/api/v1/registrations")
                || uri.getPath().equals("/api/v1/accounts")
                || uri.getPath().equals("/api/v1/keys/current");
    }

    private static Response unauthorized(String detail, UriInfo uri) {
        return Response.status(401)
                .type(Problem.MEDIA_TYPE)
                .header("WWW-Authenticate", "Bearer")
                .entity(new Problem(UNAUTHORIZED, "Unauthorized", 401, detail, uri.getPath(), List.of()))
                .build();
    }

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
    @ServerExceptionMapper
    public Response invalidParameter(InvalidParameterException e, UriInfo uri) {
        return invalid(e.input(), uri);
    }

    @ServerExceptionMapper
    public Response tooLarge(BatchTooLargeException e, UriInfo uri) {
        return problem(TOO_LARGE, "Payload too large", 413, e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response malformed(JsonProcessingException e, UriInfo uri) {
        return problem(MALFORMED_JSON, "Malformed JSON", 400, "The request body is not valid JSON", uri, List.of());
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
        return problem(UNKNOWN_MODEL, "Unknown model", 404, e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response recordNotFound(RecordNotFoundException e, UriInfo uri) {
        return problem(RECORD_NOT_FOUND, "Record not found", 404, e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response transactionNotFound(TransactionNotFoundException e, UriInfo uri) {
        return problem(TRANSACTION_NOT_FOUND, "Transaction not found", 404, e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response producerNotFound(ProducerNotFoundException e, UriInfo uri) {
        return problem(PRODUCER_NOT_FOUND, "Producer not found", 404, e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response transactionState(TransactionStateException e, UriInfo uri) {
        return problem(TRANSACTION_STATE, "Conflict", 409, e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response forbidden(SenderForbiddenException e, UriInfo uri) {
        return problem(FORBIDDEN, "Forbidden", 403, e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response deviceNotFound(DeviceNotFoundException e, UriInfo uri) {
        return problem(DEVICE_NOT_FOUND, "Device not found", 404, e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response userNotFound(io.collectoffline.server.users.UserNotFoundException e, UriInfo uri) {
        return problem(USER_NOT_FOUND, "Account not found", 404, e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response userConflict(io.collectoffline.server.users.UserConflictException e, UriInfo uri) {
        return problem(USER_CONFLICT, "Conflict", 409, e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response loginFailed(io.collectoffline.server.users.LoginFailedException e, UriInfo uri) {
        return problem(LOGIN_FAILED, "Login failed", 401, e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response deviceConflict(DeviceConflictException e, UriInfo uri) {
        return problem(DEVICE_CONFLICT, "Conflict", 409, e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response noSealingKey(NoSealingKeyException e, UriInfo uri) {
        return problem(NO_SEALING_KEY, "No sealing key", 409, e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response tubeInHand(TubeAlreadyInHandException e, UriInfo uri) {
        return problem(TUBE_IN_HAND, "Conflict", 409, e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response fileRefused(FileRefusedException e, UriInfo uri) {
        return problem(FILE_REFUSED, "File refused", 400, e.getMessage(), uri, List.of());
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
        if (DiskFull.is(e)) { // before "unavailable": H2 closes its file after a write to a full disk fails
            Log.errorf("The disk of the server's database is full: %s wrote nothing (%s)", uri.getPath(), e);
            database.closeEmbeddedAfterDiskFull();
            return DiskFull.answer(uri.getPath());
        }
        if (databaseUnavailable(e)) {
            Log.warnf("Database unavailable on %s: %s", uri.getPath(), e.getMessage());
            return Response.status(503)
                    .header("Retry-After", "30")
                    .type(Problem.MEDIA_TYPE)
                    .entity(new Problem(
                            DATABASE_UNAVAILABLE,
                            "Database unavailable",
                            503,
                            "The server's database " + "cannot be reached; nothing was stored. Send again later.",
                            uri.getPath(),
                            List.of()))
                    .build();
        }
        if (textRefusedByDatabase(e)) {
            return problem(
                    INVALID_INPUT,
                    "Invalid input",
                    400,
                    "A text value holds a character the database cannot store (NUL, U+0000); nothing was stored",
                    uri,
                    List.of());
        }
        if (BusyDatabase.is(e)) {
            Log.warnf("Busy database on %s: %s", uri.getPath(), e.getMessage());
            return BusyDatabase.answer(uri.getPath());
        }
        String id = UUID.randomUUID().toString();
        Log.errorf(e, "Unexpected error %s on %s", id, uri.getPath());
        return Response.status(500)
                .type(Problem.MEDIA_TYPE)
                .entity(Problem.internal(id))
                .build();
    }

    /**
     * The database is down or unreachable (no connection from the pool, or SQLSTATE class 08 "connection exception"
     * or 57P "operator intervention", e.g. a shutdown): the sender's data is fine and should come again.
     */
    static boolean databaseUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.sql.SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql
                    && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * PostgreSQL fails any statement given text with a NUL character (SQLSTATE 22021, "invalid byte sequence"): what
     * a request body held (a login name, a new account's name), not the server's fault.
     */
    static boolean textRefusedByDatabase(Throwable e) {
        return BusyDatabase.hasSqlState(e, "22021"::equals);
    }

    private static Response problem(
            String type, String title, int status, String detail, UriInfo uri, List<Problem.FieldError> errors) {
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem(type, title, status, detail, uri.getPath(), errors))
                .build();
    }
}
