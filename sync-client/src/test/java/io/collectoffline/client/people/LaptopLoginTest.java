package io.collectoffline.client.people;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.collectoffline.client.TestDb;
import io.collectoffline.codec.DeviceSigningKey;
import io.collectoffline.protocol.AccountList;
import io.collectoffline.protocol.LaptopAccount;
import io.collectoffline.security.PasswordHash;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
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

    /** The server's signing key, as this laptop learnt it from its first down-sync. */
    private static final DeviceSigningKey SERVER = DeviceSigningKey.generate();

    private static final AtomicLong CLOCK = new AtomicLong();

    @Inject
    LaptopAccounts accounts;

    @Inject
    TestDb db;

    @BeforeEach
    void theServerSentOneResearchAssistant() {
        db.update("UPDATE downsync_state SET server_signer = ? WHERE singleton = 1", SERVER.publicKey());
        serverSends(new LaptopAccount("naledi", "Naledi Dube", HASH));
    }

    /** The server issues {@code people} now, and this laptop fetches the list itself. */
    private void serverSends(LaptopAccount... people) {
        accounts.take(issue(SERVER, people), SERVER.publicKey(), true);
    }

    /** A list of {@code people} issued now (later than any before) and signed by {@code server}. */
    private static AccountList issue(DeviceSigningKey server, LaptopAccount... people) {
        AccountList list = new AccountList(
                Instant.parse("2026-12-06T00:00:00Z").plusMillis(CLOCK.incrementAndGet()), List.of(people), null, null);
        return list.signed(server.publicKey(), server.sign(AccountList.signedBytes(list)));
    }

    @Test
    void aMiddlemanCanNeitherForgeNorReplayTheAccountListItCarries() {
        AccountList first = issue(SERVER, new LaptopAccount("naledi", "Naledi Dube", HASH));
        AccountList second = issue(
                SERVER,
                new LaptopAccount("naledi", "Naledi Dube", HASH),
                new LaptopAccount("lerato", "Lerato Moeng", HASH));
        // the list the server issued after the one held: taken, its new person logs in
        carry(second).statusCode(200).body("taken", equalTo(true)).body("accounts", equalTo(2));
        login("lerato", PASSWORD);
        // the status and the login page say since when the list is the server's
        String issued = given().get("/api/v1/status")
                .then()
                .body("accounts.count", equalTo(2))
                .extract()
                .path("accounts.issued");
        assertThat(Instant.parse(issued)).isEqualTo(second.issued());
        given().get("/login").then().statusCode(200).body(containsString("accounts-issued"));
        // the older list again (lerato left out, as if disabled since): kept the newer one
        carry(first)
                .statusCode(200)
                .body("taken", equalTo(false))
                .body("accounts", equalTo(2))
                .body("reason", containsString("as new or newer"));
        login("lerato", PASSWORD);
        // a person added on the way, a list re-dated, a list signed by another key: refused, nothing changes
        List<LaptopAccount> withMallory = new java.util.ArrayList<>(second.accounts());
        withMallory.add(new LaptopAccount("mallory", "Mallory", PasswordHash.hash("mallory's long password")));
        carry(new AccountList(second.issued().plusSeconds(60), withMallory, second.signer(), second.signature()))
                .statusCode(400)
                .body("detail", containsString("not signed by this laptop's server, or was altered"));
        carry(new AccountList(second.issued().plusSeconds(60), first.accounts(), first.signer(), first.signature()))
                .statusCode(400);
        carry(issue(DeviceSigningKey.generate(), new LaptopAccount("mallory", "Mallory", HASH)))
                .statusCode(400);
        carry(null).statusCode(400);
        assertThat(accounts.count()).isEqualTo(2);
        refused("mallory", "mallory's long password");
        refused("mallory", PASSWORD);
        // only a middleman with the pairing token reaches it at all
        given().contentType(ContentType.JSON)
                .body(second)
                .post("/api/v1/outbox/accounts")
                .then()
                .statusCode(401);
    }

    @Test
    void aLaptopThatDoesNotKnowItsServersKeyYetTakesNoCarriedListButItsServersOwn() {
        AccountList list = issue(SERVER, new LaptopAccount("lerato", "Lerato Moeng", HASH));
        assertThatThrownBy(() -> accounts.take(list, null, false))
                .hasMessageContaining("does not know its server's signing key yet");
        assertThat(accounts.take(list, null, true).taken()).isTrue();
        login("lerato", PASSWORD);
    }

    private static io.restassured.response.ValidatableResponse carry(AccountList list) {
        return given().auth()
                .oauth2("test-pairing")
                .contentType(ContentType.JSON)
                .body(list == null ? "null" : list)
                .post("/api/v1/outbox/accounts")
                .then();
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
        serverSends(); // disabled on the server: the next contact brings the list without it
        given().cookie(SessionMechanism.COOKIE, session)
                .get("/api/v1/records/study.household")
                .then()
                .statusCode(401);
        refused("naledi", PASSWORD).body("detail", containsString("Wrong name or password"));
    }

    @Test
    void wrongPasswordsInARowLockTheNameAndAnUnknownNameGetsTheSameAnswer() {
        serverSends(new LaptopAccount("thabo", "Thabo", HASH));
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
        serverSends(
                new LaptopAccount("plain", "Plain", "a password in clear"),
                new LaptopAccount("naledi", "Naledi Dube", HASH));
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
