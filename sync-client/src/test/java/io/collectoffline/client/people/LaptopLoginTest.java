package io.collectoffline.client.people;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.collectoffline.protocol.LaptopAccount;
import io.collectoffline.security.PasswordHash;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Offline login on a laptop (issue 19): accounts from the server, hashes only; every change carries its person. */
@QuarkusTest
@TestProfile(LaptopLoginTest.LoginsRequired.class)
class LaptopLoginTest {

    /** Logins required (the shipped default), and a short idle lock to test it. */
    public static class LoginsRequired implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "sync.client.users.login",
                    "required",
                    "sync.client.users.idle-lock",
                    "3s",
                    "quarkus.datasource.jdbc.url", // a database of its own, as every profile of this suite
                    "jdbc:h2:mem:client-logins;DB_CLOSE_DELAY=-1");
        }
    }

    private static final String PASSWORD = "naledi's long password";
    private static final String HASH = PasswordHash.hash(PASSWORD);

    @Inject
    LaptopAccounts accounts;

    @BeforeEach
    void theServerSentOneResearchAssistant() {
        accounts.replace(List.of(new LaptopAccount("naledi", "Naledi Dube", HASH)));
    }

    @Test
    void aLockedLaptopShowsAndTakesNoDataUntilSomeoneLogsIn() {
        given().get("/api/v1/records/study.household").then().statusCode(401).contentType("application/problem+json");
        given().contentType(ContentType.JSON)
                .header("X-Collect-User", "mallory")
                .body(household())
                .post("/api/v1/records/study.household")
                .then()
                .statusCode(401)
                .body("detail", containsString("Log in first"));
        given().redirects()
                .follow(false)
                .get("/records/study.household")
                .then()
                .statusCode(303)
                .header("Location", containsString("/login?next=%2Frecords%2Fstudy.household"));
        given().get("/login").then().statusCode(200).body(containsString("Log in"));
        // what a middleman and the status page need stays open
        given().get("/api/v1/status").then().statusCode(200);
    }

    @Test
    void aPersonLogsInWithNoNetworkAndEveryChangeTheyMakeCarriesTheirNameWhateverHeaderIsSent() {
        String session = login("naledi", PASSWORD);
        String id = given().cookie(SessionMechanism.COOKIE, session)
                .header(SessionMechanism.PAGE_HEADER, "1")
                .header("X-Collect-User", "mallory")
                .contentType(ContentType.JSON)
                .body(household())
                .post("/api/v1/records/study.household")
                .then()
                .statusCode(201)
                .body("userCreated", equalTo("naledi"))
                .body("userModified", equalTo("naledi"))
                .extract()
                .path("id");
        given().cookie(SessionMechanism.COOKIE, session)
                .get("/api/v1/records/study.household/" + id + "/history")
                .then()
                .statusCode(200)
                .body("[0].changedBy", equalTo("naledi"));
        given().cookie(SessionMechanism.COOKIE, session)
                .get("/api/v1/session")
                .then()
                .statusCode(200)
                .body("username", equalTo("naledi"))
                .body("login", equalTo(true));
        given().cookie(SessionMechanism.COOKIE, session)
                .get("/records/study.household")
                .then()
                .statusCode(200)
                .body(containsString("naledi"));
        given().cookie(SessionMechanism.COOKIE, session)
                .header(SessionMechanism.PAGE_HEADER, "1")
                .delete("/api/v1/session")
                .then()
                .statusCode(204);
        given().cookie(SessionMechanism.COOKIE, session)
                .get("/api/v1/records/study.household")
                .then()
                .statusCode(401);
    }

    @Test
    void theCookieAloneChangesNothingWithoutThePagesHeader() {
        String session = login("naledi", PASSWORD);
        given().cookie(SessionMechanism.COOKIE, session)
                .contentType(ContentType.JSON)
                .body(household())
                .post("/api/v1/records/study.household")
                .then()
                .statusCode(401);
        given().auth()
                .oauth2(session)
                .contentType(ContentType.JSON)
                .body(household())
                .post("/api/v1/records/study.household")
                .then()
                .statusCode(201); // a script's bearer token is no cookie a form of another site could send
    }

    @Test
    void theLaptopLocksAfterTheIdleTime() throws Exception {
        String session = login("naledi", PASSWORD);
        given().cookie(SessionMechanism.COOKIE, session)
                .get("/api/v1/records/study.household")
                .then()
                .statusCode(200);
        Thread.sleep(3_300);
        given().cookie(SessionMechanism.COOKIE, session)
                .get("/api/v1/records/study.household")
                .then()
                .statusCode(401);
    }

    @Test
    void anAccountTheServerNoLongerSendsCannotLogInAndItsLoginEndsAtOnce() {
        String session = login("naledi", PASSWORD);
        accounts.replace(List.of()); // disabled on the server: the next contact brings the list without it
        given().cookie(SessionMechanism.COOKIE, session)
                .get("/api/v1/records/study.household")
                .then()
                .statusCode(401);
        refused("naledi", PASSWORD).body("detail", containsString("Wrong name or password"));
    }

    @Test
    void wrongPasswordsInARowLockTheNameAndAnUnknownNameGetsTheSameAnswer() {
        accounts.replace(List.of(new LaptopAccount("thabo", "Thabo", HASH)));
        String unknown = refused("nobody", PASSWORD).extract().path("detail");
        String wrong = refused("thabo", "not it").extract().path("detail");
        assertThat(unknown).isEqualTo(wrong);
        for (int i = 0; i < 4; i++) {
            refused("thabo", "not it " + i);
        }
        refused("thabo", PASSWORD).body("detail", containsString("Too many wrong passwords"));
    }

    @Test
    void accountsWhoseHashThisAppCannotReadAreLeftOut() {
        accounts.replace(List.of(
                new LaptopAccount("plain", "Plain", "a password in clear"),
                new LaptopAccount("naledi", "Naledi Dube", HASH)));
        assertThat(accounts.count()).isEqualTo(1);
        refused("plain", "a password in clear");
        login("naledi", PASSWORD);
    }

    private static String login(String name, String password) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", password))
                .post("/api/v1/session")
                .then()
                .statusCode(200)
                .extract()
                .cookie(SessionMechanism.COOKIE);
    }

    private static io.restassured.response.ValidatableResponse refused(String name, String password) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", password))
                .post("/api/v1/session")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
    }

    private static Map<String, Object> household() {
        return Map.of(
                "householdIdentifier",
                "HH-" + UUID.randomUUID().toString().substring(0, 6).toUpperCase(),
                "village",
                "Oodi");
    }
}
