package io.collectoffline.server.devices;

/**
 * The answer to an enrolment: the token is shown here once and never again (the server keeps only its hash).
 *
 * @param deviceId the enrolled device
 * @param role     its role
 * @param token    its bearer token
 */
public record Enrolment(String deviceId, String role, String token) {
}
