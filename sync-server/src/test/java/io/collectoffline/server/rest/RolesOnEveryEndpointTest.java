package io.collectoffline.server.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.server.People;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of the OpenAPI document is checked for every role of a person: allowed (anything but 401 and 403)
 * or refused (403), as the table here says — written from the README's Security model, not read from the code. A new
 * endpoint fails this test until it is in the table. Allowed calls send a malformed body or unknown ids where they
 * could change something, so that the check itself changes nothing.
 */
@QuarkusTest
class RolesOnEveryEndpointTest {

    private static final String ANY_PERSON = "any person";
    private static final String ANYONE = "anyone";
    private static final String DEVICE = "device";

    /** What each role may do (README, Security model). */
    private static final Map<String, Set<String>> ROLES = Map.of(
            "admin", Set.of("users", "devices", "data", "lab", "read"),
            "data-manager", Set.of("data", "lab", "read"),
            "lab-assistant", Set.of("lab"),
            "monitor", Set.of("read"),
            "research-assistant", Set.of());

    /** Each endpoint and what it needs: a capability (any of, comma-separated), a person, anyone, or a device. */
    private static final Map<String, String> NEEDS = new LinkedHashMap<>();

    static {
        NEEDS.put("GET /api/v1/status", "read,lab");
        NEEDS.put("GET /api/v1/incoming", "read");
        NEEDS.put("GET /api/v1/incoming/{txId}", "read");
        NEEDS.put("GET /api/v1/refusals", "read");
        NEEDS.put("POST /api/v1/incoming/{txId}/retry", "data");
        NEEDS.put("POST /api/v1/incoming/{txId}/skip", "data");
        NEEDS.put("POST /api/v1/incoming/missing/{producer}/{seq}/skip", "data");
        NEEDS.put("POST /api/v1/incoming/{txId}/resolve", "data");
        NEEDS.put("GET /api/v1/conflicts", "read");
        NEEDS.put("GET /api/v1/records/{model}", "read");
        NEEDS.put("GET /api/v1/incoming/{txId}/content", "data");
        NEEDS.put("GET /api/v1/records/{model}/{id}", "read");
        NEEDS.put("GET /api/v1/records/{model}/{id}/history", "read");
        NEEDS.put("GET /api/v1/devices", "read");
        NEEDS.put("POST /api/v1/devices", "devices");
        NEEDS.put("GET /api/v1/devices/{deviceId}", "read");
        NEEDS.put("GET /api/v1/devices/{deviceId}/downsync", "read");
        NEEDS.put("POST /api/v1/devices/{deviceId}/revoke", "devices");
        NEEDS.put("PUT /api/v1/devices/{deviceId}/site", "devices");
        NEEDS.put("GET /api/v1/sites", "read");
        NEEDS.put("GET /api/v1/devices/{deviceId}/assignments", "read");
        NEEDS.put("POST /api/v1/devices/{deviceId}/assignments", "devices");
        NEEDS.put("DELETE /api/v1/devices/{deviceId}/assignments", "devices");
        NEEDS.put("GET /api/v1/sites/{site}/assignments", "read");
        NEEDS.put("POST /api/v1/sites/{site}/assignments", "devices");
        NEEDS.put("DELETE /api/v1/sites/{site}/assignments", "devices");
        NEEDS.put("GET /api/v1/exports/{model}", "read");
        NEEDS.put("GET /api/v1/exports/{model}/history", "read");
        NEEDS.put("GET /api/v1/exports/{model}/columns", "read");
        NEEDS.put("GET /api/v1/files", "read");
        NEEDS.put("POST /api/v1/files", "data");
        NEEDS.put("POST /api/v1/files/export", "data");
        NEEDS.put("POST /api/v1/files/receipts", "data");
        NEEDS.put("POST /api/v1/forward", "data");
        NEEDS.put("GET /api/v1/forward/refused", "read");
        NEEDS.put("POST /api/v1/forward/refused/retry", "data");
        NEEDS.put("GET /api/v1/reconciliation", "lab,read");
        NEEDS.put("POST /api/v1/reconciliation/receipts", "lab");
        NEEDS.put("GET /api/v1/users", "users");
        NEEDS.put("POST /api/v1/users", "users");
        NEEDS.put("GET /api/v1/users/{username}", "users");
        NEEDS.put("PUT /api/v1/users/{username}/role", "users");
        NEEDS.put("POST /api/v1/users/{username}/disable", "users");
        NEEDS.put("POST /api/v1/users/{username}/enable", "users");
        NEEDS.put("PUT /api/v1/users/{username}/password", "users");
        NEEDS.put("GET /api/v1/users/audit", "users");
        NEEDS.put("POST /api/v1/session", ANYONE);
        NEEDS.put("GET /api/v1/session", ANY_PERSON);
        NEEDS.put("DELETE /api/v1/session", ANY_PERSON);
        NEEDS.put("PUT /api/v1/session/password", ANY_PERSON);
        NEEDS.put("POST /api/v1/session/tokens", ANY_PERSON);
        NEEDS.put("POST /api/v1/batches", DEVICE);
        NEEDS.put("GET /api/v1/producers/{producer}/watermark", DEVICE);
        NEEDS.put("POST /api/v1/producers/{producer}/held", DEVICE);
        NEEDS.put("POST /api/v1/registrations", DEVICE);
        NEEDS.put("GET /api/v1/keys/current", DEVICE);
        NEEDS.put("GET /api/v1/downsync", DEVICE);
        NEEDS.put("GET /api/v1/accounts", DEVICE);
    }

    @Test
    void everyEndpointIsInTheTable() throws Exception {
        Set<String> documented = new TreeSet<>(endpoints());
        assertThat(documented)
                .as("endpoints of the OpenAPI document")
                .containsExactlyInAnyOrderElementsOf(new TreeSet<>(NEEDS.keySet()));
    }

    @Test
    void eachRoleIsAllowedWhatItsCapabilitiesSayAndRefusedTheRest() {
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> endpoint : NEEDS.entrySet()) {
            String needs = endpoint.getValue();
            if (needs.equals(ANYONE)
                    || needs.equals(ANY_PERSON)
                    || endpoint.getKey().equals("DELETE /api/v1/session")) {
                continue; // logging in and out are their own tests (UserAccountsTest)
            }
            for (Map.Entry<String, Set<String>> role : ROLES.entrySet()) {
                boolean allowed = !needs.equals(DEVICE)
                        && java.util.Arrays.stream(needs.split(",")).anyMatch(role.getValue()::contains);
                int status = call(People.as(role.getKey()), endpoint.getKey()).statusCode();
                boolean refused = status == 401 || status == 403;
                if (allowed == refused || (!allowed && status != 403 && !needs.equals(DEVICE))) {
                    wrong.add(role.getKey() + " " + endpoint.getKey() + " -> " + status + " (expected "
                            + (allowed ? "allowed" : "refused") + ")");
                }
            }
            int anonymous = call(given(), endpoint.getKey()).statusCode();
            if (anonymous != 401) {
                wrong.add("no one " + endpoint.getKey() + " -> " + anonymous + " (expected 401)");
            }
        }
        assertThat(wrong)
                .as("endpoints answering a role other than the table says")
                .isEmpty();
    }

    @Test
    void everyPersonMayAskWhoTheyAreAndIssueThemselvesATokenButNoDeviceMay() {
        for (String role : ROLES.keySet()) {
            People.as(role).get("/api/v1/session").then().statusCode(200);
        }
        String device = io.collectoffline.server.Fixtures.enrol(
                "roles-" + java.util.UUID.randomUUID().toString().substring(0, 8), "field");
        given().auth().oauth2(device).get("/api/v1/session").then().statusCode(401);
        given().auth().oauth2(device).get("/api/v1/status").then().statusCode(401);
    }

    /**
     * A call of {@code endpoint} that changes nothing even when allowed: unknown ids, a malformed body (an allowed
     * export writes a file of nothing new, an allowed forward finds no upstream).
     */
    private static Response call(RequestSpecification request, String endpoint) {
        String method = endpoint.substring(0, endpoint.indexOf(' '));
        String path = endpoint.substring(endpoint.indexOf(' ') + 1)
                .replace("{txId}", "00000000-0000-0000-0000-000000000000")
                .replace("{seq}", "1")
                .replace("{model}", "household")
                .replace("{id}", "00000000-0000-0000-0000-000000000000")
                .replaceAll("\\{[a-zA-Z]+}", "no-such-thing");
        RequestSpecification r =
                request.header("Content-Type", "application/json").body("{\"malformed");
        if (path.endsWith("/files") || path.endsWith("/receipts") && path.contains("files")) {
            r = request.header("Content-Type", "application/octet-stream").body(new byte[0]);
        }
        return r.request(method, path);
    }

    private static List<String> endpoints() throws Exception {
        JsonNode doc = new ObjectMapper()
                .readTree(given().accept("application/json")
                        .get("/q/openapi?format=json")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString());
        List<String> endpoints = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (!path.getKey().startsWith("/api/")) {
                continue;
            }
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next();
                if (Set.of("get", "post", "put", "delete", "patch").contains(method)) {
                    endpoints.add(method.toUpperCase() + " " + path.getKey());
                }
            }
        }
        return endpoints;
    }
}
