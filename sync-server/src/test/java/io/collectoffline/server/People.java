package io.collectoffline.server;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * People for tests, made the way an admin makes them: an account created through the API, a login, and an API
 * token issued to that session. One account per role for the whole test run (a password hash costs half a second).
 */
public final class People {

    public static final String PASSWORD = "a long test password";

    /** Per role: its account's name and API token. */
    private static final Map<String, String[]> ACCOUNTS = new ConcurrentHashMap<>();

    private People() {}

    /** A new account of {@code role}, created by the test profile's admin token; returns its name. */
    public static String create(String role) {
        String username =
                role.replace("-", "") + "-" + UUID.randomUUID().toString().substring(0, 8);
        Fixtures.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("username", username, "displayName", "Test " + role, "role", role, "password", PASSWORD))
                .post("/api/v1/users")
                .then()
                .statusCode(201);
        return username;
    }

    /** A page session of {@code username}: the cookie's value. */
    public static String login(String username, String password) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password))
                .post("/api/v1/session")
                .then()
                .statusCode(200)
                .extract()
                .cookie("collect_session");
    }

    /** An API token of a person of {@code role} (the same one for the whole run). */
    public static String token(String role) {
        return account(role)[1];
    }

    /** The name of the person of {@code role} whose token {@link #token} gives. */
    public static String name(String role) {
        return account(role)[0];
    }

    private static String[] account(String role) {
        return ACCOUNTS.computeIfAbsent(role, r -> {
            String name = create(r);
            return new String[] {name, apiToken(name)};
        });
    }

    /** A new API token of {@code username}, asked for with their session. */
    public static String apiToken(String username) {
        String session = login(username, PASSWORD);
        return given().auth()
                .oauth2(session)
                .contentType(ContentType.JSON)
                .body(Map.of("label", "tests"))
                .post("/api/v1/session/tokens")
                .then()
                .statusCode(201)
                .extract()
                .path("token");
    }

    /** Forgets the tokens handed out (a test ended them). */
    public static void forget() {
        ACCOUNTS.clear();
    }

    /** A request as the person of {@code role}. */
    public static RequestSpecification as(String role) {
        return given().auth().oauth2(token(role));
    }
}
