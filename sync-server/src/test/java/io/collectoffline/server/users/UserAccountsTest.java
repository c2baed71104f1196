package io.collectoffline.server.users;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import io.collectoffline.codec.DeviceSigningKey;
import io.collectoffline.protocol.AccountList;
import io.collectoffline.server.Fixtures;
import io.collectoffline.server.People;
import io.collectoffline.server.config.ActiveDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Named accounts: passwords kept as hashes only, sessions and tokens, locking, disabling, the last admin (ADR 16). */
@QuarkusTest
class UserAccountsTest {

    @Inject
    ActiveDatabase database;

    @Inject
    UserService users;

    @Inject
    io.collectoffline.server.HarnessAdmin harness;

    @Test
    void aPasswordIsKeptOnlyAsAHashAndItsSessionSaysWhoAndWhatTheyMayDo() throws Exception {
        String name = People.create("data-manager");
        String stored = column("SELECT password_hash FROM server_user WHERE username = ?", name);
        assertThat(stored).startsWith("pbkdf2-sha256$600000$").doesNotContain(People.PASSWORD);

        var login = given().contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", People.PASSWORD))
                .post("/api/v1/session")
                .then()
                .statusCode(200)
                .body("username", equalTo(name))
                .body("role", equalTo("data-manager"))
                .extract();
        String cookie = login.header("Set-Cookie");
        assertThat(cookie).contains("collect_session=cos_").contains("HttpOnly").contains("SameSite=Strict");
        String session = login.cookie("collect_session");
        assertThat(column("SELECT token_hash FROM user_token WHERE username = ?", name))
                .isNotEqualTo(session)
                .hasSize(64);

        given().cookie("collect_session", session)
                .get("/api/v1/session")
                .then()
                .statusCode(200)
                .body("username", equalTo(name))
                .body("capabilities", hasItems("data", "lab", "read"))
                .body("capabilities", not(hasItems("users")));
        given().cookie("collect_session", session).get("/api/v1/status").then().statusCode(200);
        given().cookie("collect_session", session)
                .header("X-Collect-Page", "1")
                .delete("/api/v1/session")
                .then()
                .statusCode(204);
        given().cookie("collect_session", session).get("/api/v1/status").then().statusCode(401);
    }

    @Test
    void aWrongNameAWrongPasswordAndADisabledAccountGetTheSameAnswer() {
        String name = People.create("monitor");
        String wrongName = login("no-such-person", People.PASSWORD, 401);
        String wrongPassword = login(name, "not the password at all", 401);
        Fixtures.admin().post("/api/v1/users/" + name + "/disable").then().statusCode(200);
        String disabled = login(name, People.PASSWORD, 401);
        assertThat(wrongName).isEqualTo(wrongPassword).isEqualTo(disabled);
    }

    @Test
    void wrongPasswordsInARowLockTheAccountUntilAnAdminResetsItsPassword() {
        String name = People.create("monitor");
        for (int i = 0; i < 5; i++) {
            login(name, "not the password " + i, 401);
        }
        assertThat(login(name, People.PASSWORD, 401)).contains("locked");
        Fixtures.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("password", "a brand new password"))
                .put("/api/v1/users/" + name + "/password")
                .then()
                .statusCode(204);
        People.login(name, "a brand new password");
        assertThat(users.audit(50))
                .extracting(UserService.AuditEntry::action)
                .contains("login-failed", "login-locked", "password-reset", "login");
    }

    @Test
    void disablingAnAccountOrResettingItsPasswordEndsItsSessionsAndTokensAtOnce() {
        String name = People.create("monitor");
        String token = People.apiToken(name);
        String session = People.login(name, People.PASSWORD);
        given().auth().oauth2(token).get("/api/v1/status").then().statusCode(200);
        Fixtures.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("password", "another long password"))
                .put("/api/v1/users/" + name + "/password")
                .then()
                .statusCode(204);
        given().auth().oauth2(token).get("/api/v1/status").then().statusCode(401);
        given().cookie("collect_session", session).get("/api/v1/status").then().statusCode(401);

        String again = People.login(name, "another long password");
        Fixtures.admin().post("/api/v1/users/" + name + "/disable").then().statusCode(200);
        given().cookie("collect_session", again).get("/api/v1/status").then().statusCode(401);
        Fixtures.admin().post("/api/v1/users/" + name + "/enable").then().statusCode(200);
        People.login(name, "another long password");
    }

    @Test
    void theLastEnabledAdminCanBeNeitherDisabledNorGivenAnotherRole() throws Exception {
        String first = People.create("admin");
        String firstToken = People.apiToken(first);
        List<String> others = users.list().stream()
                .filter(u ->
                        u.role().equals("admin") && u.enabled() && !u.username().equals(first))
                .map(User::username)
                .toList();
        try {
            others.forEach(other -> users.disable(other, "test")); // the harness admin too: first acts for itself
            given().auth()
                    .oauth2(firstToken)
                    .post("/api/v1/users/" + first + "/disable")
                    .then()
                    .statusCode(409)
                    .body("detail", containsString("last enabled admin"));
            given().auth()
                    .oauth2(firstToken)
                    .contentType(ContentType.JSON)
                    .body(Map.of("role", "monitor"))
                    .put("/api/v1/users/" + first + "/role")
                    .then()
                    .statusCode(409);
            String second = "admin2-" + UUID.randomUUID().toString().substring(0, 8);
            users.create(new UserService.NewUser(second, "Second", "admin", People.PASSWORD), "test");
            String secondToken = People.apiToken(second);
            given().auth()
                    .oauth2(firstToken)
                    .post("/api/v1/users/" + first + "/disable")
                    .then()
                    .statusCode(200);
            given().auth()
                    .oauth2(secondToken)
                    .post("/api/v1/users/" + second + "/disable")
                    .then()
                    .statusCode(409);
            users.enable(first, "test");
        } finally {
            others.forEach(other -> users.enable(other, "test"));
            People.forget(); // disabling ended the tokens of the others
            harness.seed(); // and the harness admin's
        }
    }

    @Test
    void accountsAreRefusedWithEachBadFieldNamedAndNothingStored() {
        Fixtures.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("username", "Bad Name", "displayName", "", "role", "root", "password", "short"))
                .post("/api/v1/users")
                .then()
                .statusCode(400)
                .body("errors.field", hasItems("username", "displayName", "role", "password"));
        Fixtures.admin()
                .contentType(ContentType.JSON)
                .body("{\"username\": \"nul\\u0000name\", \"displayName\": \"x\\u0000\", \"role\": \"monitor\", "
                        + "\"password\": \"ten chars\\u0000!!\"}")
                .post("/api/v1/users")
                .then()
                .statusCode(400);
        String name = People.create("monitor");
        Fixtures.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("username", name, "displayName", "Twin", "role", "monitor", "password", People.PASSWORD))
                .post("/api/v1/users")
                .then()
                .statusCode(409);
        Fixtures.admin().get("/api/v1/users/nobody-here").then().statusCode(404);
        assertThat(Fixtures.admin()
                        .get("/api/v1/users")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .contains(name)
                .doesNotContain("pbkdf2")
                .doesNotContainIgnoringCase("password");
    }

    @Test
    void aSessionCookieChangesNothingWithoutThePagesHeader() {
        String name = People.create("admin");
        String session = People.login(name, People.PASSWORD);
        // what a form on another site could send along with the cookie: no page header, so not authenticated
        given().cookie("collect_session", session)
                .contentType(ContentType.JSON)
                .body(Map.of("deviceId", "csrf-device", "role", "field"))
                .post("/api/v1/devices")
                .then()
                .statusCode(401);
        given().cookie("collect_session", session)
                .header("X-Collect-Page", "1")
                .contentType(ContentType.JSON)
                .body(Map.of("deviceId", "csrf-device-" + name, "role", "field"))
                .post("/api/v1/devices")
                .then()
                .statusCode(201);
        Fixtures.admin()
                .get("/api/v1/devices/csrf-device-" + name)
                .then()
                .statusCode(200)
                .body("enrolledBy", equalTo(name));
    }

    @Test
    void whatAPersonDoesIsAttributedToTheirAccountWhateverHeaderTheySend() {
        String name = People.create("admin");
        given().auth()
                .oauth2(People.apiToken(name))
                .header("X-Collect-User", "someone-else")
                .contentType(ContentType.JSON)
                .body(Map.of("deviceId", "attributed-" + name, "role", "field"))
                .post("/api/v1/devices")
                .then()
                .statusCode(201);
        Fixtures.admin()
                .get("/api/v1/devices/attributed-" + name)
                .then()
                .statusCode(200)
                .body("enrolledBy", equalTo(name));
    }

    @Test
    void aPersonChangesTheirOwnPasswordGivingTheCurrentOneAndTheirOtherSessionsEnd() {
        String name = People.create("lab-assistant");
        String mine = People.login(name, People.PASSWORD);
        String other = People.login(name, People.PASSWORD);
        given().cookie("collect_session", mine)
                .header("X-Collect-Page", "1")
                .contentType(ContentType.JSON)
                .body(Map.of("currentPassword", "not it at all", "password", "my new long password"))
                .put("/api/v1/session/password")
                .then()
                .statusCode(400)
                .body("errors.field", hasItems("currentPassword"));
        given().cookie("collect_session", mine)
                .header("X-Collect-Page", "1")
                .contentType(ContentType.JSON)
                .body(Map.of("currentPassword", People.PASSWORD, "password", "my new long password"))
                .put("/api/v1/session/password")
                .then()
                .statusCode(204);
        given().cookie("collect_session", mine).get("/api/v1/session").then().statusCode(200);
        given().cookie("collect_session", other).get("/api/v1/session").then().statusCode(401);
        People.login(name, "my new long password");
    }

    @Test
    void aFieldLaptopReceivesEveryEnabledResearchAssistantWithTheirHashOnlyAndNoOneElse() {
        String assistant = People.create("research-assistant");
        String monitor = People.create("monitor");
        String laptop =
                Fixtures.enrol("accounts-" + UUID.randomUUID().toString().substring(0, 8), "field");
        var accounts = given().auth()
                .oauth2(laptop)
                .get("/api/v1/accounts")
                .then()
                .statusCode(200)
                .extract();
        List<String> names = accounts.jsonPath().getList("accounts.username");
        assertThat(names).contains(assistant).doesNotContain(monitor);
        assertThat(accounts.jsonPath().getString("accounts.find { it.username == '" + assistant + "' }.passwordHash"))
                .startsWith("pbkdf2-sha256$");
        // signed with the server's signing key (the down-sync's), so that a middleman can carry it unaltered
        AccountList list = accounts.as(AccountList.class);
        String signingKey = given().auth()
                .oauth2(laptop)
                .get("/api/v1/keys/current")
                .then()
                .statusCode(200)
                .extract()
                .path("signingKey");
        assertThat(list.signer()).isEqualTo(signingKey);
        assertThat(new DeviceSigningKey(null, signingKey, null)
                        .verifies(AccountList.signedBytes(list), list.signature()))
                .isTrue();
        assertThat(accounts.asString()).doesNotContain(People.PASSWORD);
        // a research assistant has nothing to do on the server but their own session
        People.as("research-assistant").get("/api/v1/status").then().statusCode(403);
        People.as("research-assistant").get("/api/v1/session").then().statusCode(200);

        Fixtures.admin().post("/api/v1/users/" + assistant + "/disable").then().statusCode(200);
        assertThat(given().auth()
                        .oauth2(laptop)
                        .get("/api/v1/accounts")
                        .jsonPath()
                        .getList("accounts.username", String.class))
                .doesNotContain(assistant);
        Fixtures.device().get("/api/v1/accounts").then().statusCode(403); // a server device has no one to log in
        given().get("/api/v1/accounts").then().statusCode(401);
        Fixtures.admin().get("/api/v1/accounts").then().statusCode(401);
    }

    private static String login(String name, String password, int status) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", password))
                .post("/api/v1/session")
                .then()
                .statusCode(status)
                .extract()
                .path("detail");
    }

    private String column(String sql, String name) throws Exception {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }
}
