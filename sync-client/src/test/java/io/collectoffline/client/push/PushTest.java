package io.collectoffline.client.push;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.agroal.api.AgroalDataSource;
import io.collectoffline.client.TestDb;
import io.collectoffline.client.identity.NodeIdentity;
import io.collectoffline.codec.DeviceSealingKey;
import io.collectoffline.protocol.KeyRegistration;
import io.collectoffline.shipping.Backoff;
import io.collectoffline.shipping.LinkFailure;
import io.collectoffline.shipping.LinkState;
import io.collectoffline.shipping.LinkStates;
import io.collectoffline.shipping.ShipReport;
import io.collectoffline.testing.AppProcess;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The push against every answer a server can give (the fake server of this test app; e2e has the real one). */
@QuarkusTest
@TestProfile(PushTest.AgainstFakeServer.class)
class PushTest {

    /**
     * The laptop pushes to the fake server inside its own test app. The port is picked free here, because the
     * server URL is read at start-up, before a random test port would be known.
     */
    public static class AgainstFakeServer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            int port;
            try {
                port = AppProcess.freePort();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return Map.of(
                    "quarkus.http.test-port",
                    Integer.toString(port),
                    "sync.client.server.url",
                    "http://localhost:" + port + "/fake",
                    "sync.client.server.token",
                    "test-token",
                    "quarkus.datasource.jdbc.url",
                    "jdbc:h2:mem:client-push;DB_CLOSE_DELAY=-1");
        }
    }

    @Inject
    TestDb db;

    @Inject
    PushService push;

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void drainTheOutbox() throws Exception {
        FakeServer.reset();
        push.pushAndWait(Duration.ofSeconds(30));
        FakeServer.reset();
        assertThat(sendable()).isZero();
    }

    @Inject
    NodeIdentity identity;

    @Inject
    io.collectoffline.client.downsync.DownSyncService downSync;

    @Test
    void theDownSyncAsksForGzipHalvesAPageTooLargeAndSharesThePushsBackoff() throws Exception {
        FakeServer.tooLargeAbove = 100;

        assertThat(downSync.receiveAndWait(Duration.ofSeconds(30)).outcome()).isEqualTo("DONE");

        List<Integer> limits = List.copyOf(FakeServer.DOWNSYNC_LIMITS);
        assertThat(limits.get(limits.size() - 1)).isLessThanOrEqualTo(100);
        for (int i = 1; i < limits.size(); i++) {
            assertThat(limits.get(i)).isEqualTo((limits.get(i - 1) + 1) / 2); // halved after each 413
        }
        assertThat(FakeServer.DOWNSYNC_ACCEPT_ENCODINGS)
                .allSatisfy(e -> assertThat(e).contains("gzip"));

        // a failed down-sync backs off the one link to the server, for the scheduled push too; a success clears it
        FakeServer.failWith = 503;
        assertThat(downSync.receiveAndWait(Duration.ofSeconds(30)).outcome()).isEqualTo("FAILED");
        assertThat(push.linkDue()).isFalse();
        FakeServer.failWith = 401;
        assertThat(downSync.receiveAndWait(Duration.ofSeconds(30)).outcome()).isEqualTo("AUTH_FAILED");
        FakeServer.failWith = 0;
        assertThat(downSync.receiveAndWait(Duration.ofSeconds(30)).outcome()).isEqualTo("DONE");
        assertThat(push.linkDue()).isTrue();
    }

    @Test
    void theLaptopRegistersItsSealingKeyUnderTheProofMadeWithItsToken() {
        KeyRegistration registration = identity.registration();
        DeviceSealingKey sealing = identity.sealingKey();

        assertThat(DeviceSealingKey.isPublicKey(registration.sealingKey())).isTrue();
        assertThat(registration.sealingKey()).isEqualTo(sealing.publicKey());
        assertThat(registration.proof())
                .as("the proof covers the sealing key: a relay can neither add nor swap one")
                .isEqualTo(KeyRegistration.proof(
                        registration.deviceId(), registration.publicKey(), sealing.publicKey(), "test-token"))
                .isNotEqualTo(KeyRegistration.proof(registration.deviceId(), registration.publicKey(), "test-token"));
    }

    @Test
    void acceptedAndDuplicateAreDeliveredAndRejectedStayVisibleUntilRetried() throws Exception {
        UUID first = db.newHousehold(TestDb.uniqueIdentifier("HH"));
        UUID refused = db.newHousehold(TestDb.uniqueIdentifier("HH"));
        UUID refusedTx = txOf(refused);
        FakeServer.REJECT.add(refusedTx);
        FakeServer.STORED.add(txOf(first)); // the server already has it: it will answer DUPLICATE

        PushReport report = push.pushAndWait(Duration.ofSeconds(30));

        assertThat(report.outcome()).isEqualTo("DELIVERED");
        assertThat(report.duplicate()).isEqualTo(1);
        assertThat(report.rejected()).isEqualTo(1);
        assertThat(db.count(
                        "SELECT COUNT(*) FROM outgoing_transaction WHERE tx_id = ? AND delivered_via = "
                                + "'DUPLICATE'",
                        txOf(first)))
                .isEqualTo(1);
        given().get("/api/v1/status").then().body("pending", equalTo(1)).body("rejected", equalTo(1));
        given().get("/api/v1/outbox/rejected")
                .then()
                .statusCode(200)
                .body("[0].txId", equalTo(refusedTx.toString()))
                .body("[0].reason", equalTo("fake: unknown model"));

        assertThat(push.pushAndWait(Duration.ofSeconds(30)).outcome()).isEqualTo("NOTHING_TO_SEND");
        FakeServer.REJECT.clear();
        given().post("/api/v1/outbox/" + refusedTx + "/retry").then().statusCode(200);
        assertThat(push.pushAndWait(Duration.ofSeconds(30)).accepted()).isEqualTo(1);
        given().get("/api/v1/status").then().body("pending", equalTo(0)).body("rejected", equalTo(0));
        given().post("/api/v1/outbox/" + refusedTx + "/retry")
                .then()
                .statusCode(409)
                .contentType("application/problem+json");
    }

    /**
     * A laptop whose clock was ahead (set by hand a year on, then put right): what it recorded then lies in the future
     * of its clock now. Neither a refusal nor a backoff counted from such a time may wait until the clock gets there.
     */
    @Test
    void aRefusalAndABackoffRecordedByAClockSinceSetBackWaitNoLonger() throws Exception {
        UUID refused = db.newHousehold(TestDb.uniqueIdentifier("HH"));
        UUID refusedTx = txOf(refused);
        FakeServer.REJECT.add(refusedTx);
        assertThat(push.pushAndWait(Duration.ofSeconds(30)).rejected()).isEqualTo(1);
        FakeServer.REJECT.clear();
        assertThat(push.pushAndWait(Duration.ofSeconds(30)).outcome())
                .as("refused just now: waits for resend-rejected-after")
                .isEqualTo("NOTHING_TO_SEND");

        db.update(
                "UPDATE outgoing_transaction SET rejected_at = ? WHERE tx_id = ?",
                OffsetDateTime.now(ZoneOffset.UTC).plusDays(365),
                refusedTx);

        assertThat(push.pushAndWait(Duration.ofSeconds(30)).accepted())
                .as("refused by the clock of a year ahead: sent again at once")
                .isEqualTo(1);

        LinkStates links = new LinkStates(dataSource);
        Backoff backoff = new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5));
        ShipReport failed = ShipReport.failed(new LinkFailure(LinkFailure.Kind.UNAVAILABLE, "no network"));
        links.save("clock-test", "c", LinkState.FRESH.after(failed, backoff, Instant.now()));
        assertThat(links.load("clock-test", "c").due(Instant.now()))
                .as("a backoff counted from now: waits")
                .isFalse();
        links.save(
                "clock-test",
                "c",
                LinkState.FRESH.after(failed, backoff, Instant.now().plus(Duration.ofDays(365))));
        LinkState kept = links.load("clock-test", "c");
        assertThat(kept.failures()).isEqualTo(1);
        assertThat(kept.nextAttemptAt()).isAfter(Instant.now().plus(Duration.ofDays(364)));
        assertThat(kept.due(Instant.now()))
                .as("a backoff counted from a clock a year ahead, read back from the database: over")
                .isTrue();
    }

    @Test
    void transientFailureKeepsTheQueueAndBacksOffThenDelivers() throws Exception {
        db.newHousehold(TestDb.uniqueIdentifier("HH"));
        FakeServer.failWith = 503;

        PushReport failed = push.pushAndWait(Duration.ofSeconds(30));

        assertThat(failed.outcome()).isEqualTo("FAILED");
        assertThat(failed.error()).contains("503");
        assertThat(sendable()).isEqualTo(1);
        given().get("/api/v1/status")
                .then()
                .body("push.consecutiveFailures", equalTo(1))
                .body("push.nextAttemptAt", notNullValue())
                .body("push.lastPush.outcome", equalTo("FAILED"));
        // an unreachable or failing server is normal for a laptop: it stays live and ready
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);

        FakeServer.failWith = 0;
        assertThat(push.pushAndWait(Duration.ofSeconds(30)).accepted()).isEqualTo(1);
        assertThat(sendable()).isZero();
        given().get("/api/v1/status")
                .then()
                .body("push.consecutiveFailures", equalTo(0))
                .body("push.nextAttemptAt", nullValue());
    }

    /**
     * The schedule's hourly question, with nothing to send, whether the server still holds what it confirmed (ADR
     * 18): a field laptop is offline most of the time, so a server out of reach then is no failure of the link — no
     * backoff, no failed push in the status; with something to send a failure is one.
     */
    @Test
    void aServerOutOfReachForTheHourlyCheckWithNothingToSendIsNoFailureOfTheLink() throws Exception {
        String lastOutcome = given().get("/api/v1/status").then().extract().path("push.lastPush.outcome");
        FakeServer.failWith = 503;

        PushReport check = push.start(true).get(30, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(check.outcome()).isEqualTo("FAILED");
        given().get("/api/v1/status")
                .then()
                .body("push.consecutiveFailures", equalTo(0))
                .body("push.nextAttemptAt", nullValue())
                .body("push.lastPush.outcome", equalTo(lastOutcome));

        db.newHousehold(TestDb.uniqueIdentifier("HH")); // entered while the check was on its way
        assertThat(push.start(true)
                        .get(30, java.util.concurrent.TimeUnit.SECONDS)
                        .outcome())
                .isEqualTo("FAILED");
        given().get("/api/v1/status")
                .then()
                .body("push.consecutiveFailures", equalTo(1))
                .body("push.lastPush.outcome", equalTo("FAILED"));
        FakeServer.failWith = 0;
        assertThat(push.pushAndWait(Duration.ofSeconds(30)).accepted()).isEqualTo(1);
    }

    /**
     * A middleman's relayed copies of a field laptop's changes, delivered long ago: a server that no longer holds
     * them (restored from a backup) gets them again from the hourly check, though nothing of that laptop is pending
     * (ADR 18).
     */
    @Test
    void aServerThatLostARelayedChangeGetsItAgainFromTheHourlyCheck() throws Exception {
        UUID txId = UUID.randomUUID();
        db.update(
                "INSERT INTO outgoing_transaction (tx_id, producer, seq, model, record_id, action, captured_at, "
                        + "key_id, payload, delivered_at, delivered_via, relayed_from) VALUES (?, 'field-relayed', 1, "
                        + "'study.household', ?, 'INSERT', CURRENT_TIMESTAMP, 'plain-json', X'7B7D', "
                        + "CURRENT_TIMESTAMP, 'ACCEPTED', 'field-relayed')",
                txId,
                UUID.randomUUID());
        FakeServer.STORED.remove(txId); // the server was restored from a backup taken before it arrived

        PushReport check = push.start(true).get(30, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(check.resent()).isEqualTo(1);
        assertThat(check.serverLost()).contains("field-relayed").contains("no longer holds 1 changes");
        assertThat(FakeServer.STORED).contains(txId);
        assertThat(db.count(
                        "SELECT COUNT(*) FROM outgoing_transaction WHERE tx_id = ? AND delivered_at IS NOT NULL", txId))
                .isEqualTo(1);
    }

    @Test
    void refusedCredentialsStopPushingAndMakeReadinessDown() throws Exception {
        db.newHousehold(TestDb.uniqueIdentifier("HH"));
        FakeServer.failWith = 401;

        assertThat(push.pushAndWait(Duration.ofSeconds(30)).outcome()).isEqualTo("AUTH_FAILED");

        given().get("/q/health/ready")
                .then()
                .statusCode(503)
                .body("checks.find { it.name == 'push' }.data.reason", containsString("credentials"));
        given().get("/q/health/live").then().statusCode(200);
        push.scheduled(); // the schedule does not try while credentials are refused
        assertThat(FakeServer.BATCH_SIZES).isEmpty();
        assertThat(sendable()).isEqualTo(1);

        FakeServer.failWith = 0;
        assertThat(push.pushAndWait(Duration.ofSeconds(30)).outcome()).isEqualTo("DELIVERED");
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void batchesAreGzipBoundedByCountAndSplitWhenTheServerSaysTooLarge() throws Exception {
        for (int i = 0; i < 7; i++) {
            db.newHousehold(TestDb.uniqueIdentifier("HH"));
        }
        FakeServer.tooLargeAbove = 2;

        PushReport report = push.pushAndWait(Duration.ofSeconds(30));

        assertThat(report.accepted()).isEqualTo(7);
        assertThat(FakeServer.BATCH_SIZES).allMatch(size -> size <= 2).hasSize(4);
        assertThat(FakeServer.ENCODINGS).containsOnly("gzip");
        assertThat(sendable()).isZero();
    }

    @Test
    void whatTheServerHoldsByAnotherRouteIsNotSentAgain() throws Exception {
        db.newHousehold(TestDb.uniqueIdentifier("HH"));
        db.newHousehold(TestDb.uniqueIdentifier("HH"));
        FakeServer.watermark = db.lastSeq();
        FakeServer.STORED.addAll(pendingTxIds()); // they arrived by another route (a middleman)

        PushReport report = push.pushAndWait(Duration.ofSeconds(30));

        assertThat(report.deliveredByWatermark()).isEqualTo(2);
        assertThat(report.batches()).isZero();
        assertThat(FakeServer.BATCH_SIZES).isEmpty();
        assertThat(db.count("SELECT COUNT(*) FROM outgoing_transaction WHERE delivered_via = 'HELD'"))
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void aWatermarkCoveringASeqIsNotDeliveryTheServerMustHoldTheTxId() throws Exception {
        db.newHousehold(TestDb.uniqueIdentifier("HH"));
        // a restored laptop: the server's watermark covers this seq, but with another transaction
        FakeServer.watermark = db.lastSeq() + 5;

        PushReport report = push.pushAndWait(Duration.ofSeconds(30));

        assertThat(report.deliveredByWatermark()).isZero();
        assertThat(report.accepted()).isEqualTo(1);
        assertThat(FakeServer.BATCH_SIZES).containsExactly(1);
    }

    private List<UUID> pendingTxIds() {
        return db.rows("SELECT tx_id FROM outgoing_transaction WHERE delivered_at IS NULL").stream()
                .map(row -> (UUID) row.get(0))
                .toList();
    }

    @Test
    void onlyOnePushRunsAtATimeAndProgressIsVisible() throws Exception {
        db.newHousehold(TestDb.uniqueIdentifier("HH"));
        FakeServer.hold = new CountDownLatch(1);

        CompletableFuture<PushReport> first = push.start();
        await().until(() -> FakeServer.CONCURRENT.get() == 1);
        CompletableFuture<PushReport> second = push.start();
        given().post("/api/v1/push").then().statusCode(202).body("running", equalTo(true));
        given().get("/api/v1/status")
                .then()
                .body("push.running", equalTo(true))
                .body("push.batch", equalTo(1))
                .body("push.batches", equalTo(1));
        FakeServer.hold.countDown();

        assertThat(second).isSameAs(first);
        assertThat(first.get().accepted()).isEqualTo(1);
        assertThat(FakeServer.MAX_CONCURRENT.get()).isEqualTo(1);
    }

    @Test
    void pushNowWithWaitAnswersTheReport() {
        db.newHousehold(TestDb.uniqueIdentifier("HH"));

        given().queryParam("wait", true)
                .post("/api/v1/push")
                .then()
                .statusCode(200)
                .body("outcome", equalTo("DELIVERED"))
                .body("accepted", equalTo(1));
    }

    @Test
    void backoffIsCappedExponentialWithJitter() {
        for (int failures = 1; failures <= 40; failures++) {
            long step = Math.min(300_000, 2_000L * (1L << Math.min(30, failures - 1)));
            Duration wait = push.backoff(failures);
            assertThat(wait.toMillis()).isBetween(step / 2, step);
        }
    }

    private long sendable() {
        return db.count("SELECT COUNT(*) FROM outgoing_transaction WHERE delivered_at IS NULL AND rejected_at IS NULL");
    }

    private UUID txOf(UUID recordId) {
        return (UUID) db.rows("SELECT tx_id FROM outgoing_transaction WHERE record_id = ?", recordId)
                .get(0)
                .get(0);
    }
}
