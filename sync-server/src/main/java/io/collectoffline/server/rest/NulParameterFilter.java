package io.collectoffline.server.rest;

import io.collectoffline.protocol.InvalidInputException;
import io.collectoffline.protocol.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a path or query parameter holding a NUL character (U+0000) before any endpoint reads it: no name, id or
 * filter of ours holds one, and PostgreSQL cannot even compare text with one (it fails the statement, which was a
 * 500). Answered 400 invalid-input naming each such parameter. NULs inside a batch are judged per transaction
 * instead (REJECTED, README Refusals).
 */
public class NulParameterFilter {

    @ServerRequestFilter
    public void refuseNul(ContainerRequestContext request) {
        List<Problem.FieldError> errors = new ArrayList<>();
        collect(request.getUriInfo().getPathParameters(), errors);
        collect(request.getUriInfo().getQueryParameters(), errors);
        if (!errors.isEmpty()) {
            throw new InvalidInputException("A parameter holds a NUL character", errors);
        }
    }

    private static void collect(MultivaluedMap<String, String> parameters, List<Problem.FieldError> errors) {
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            if (parameter.getValue().stream().anyMatch(value -> value.indexOf('\u0000') >= 0)) {
                errors.add(new Problem.FieldError(parameter.getKey(), "must not contain a NUL character (U+0000)"));
            }
        }
    }
}
