package io.collectoffline.server.devices;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The answer to an enrolment: the token is shown here once and never again (the server keeps only its hash).
 *
 * @param deviceId the enrolled device
 * @param role     its role
 * @param site     the site it belongs to; absent when none
 * @param token    its bearer token
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Enrolment(String deviceId, String role, String site, String token) {}
