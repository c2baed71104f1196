package io.collectoffline.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.collectoffline.testing.AppProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reliability harness (issue 9): faults during real pushes between packaged apps, then exactly once.
 *
 * <p>Short by default (the README test command runs it); the long mode is the same test with more cycles:
 * {@code mvn -B verify -pl e2e -Dit.test=ReliabilityIT -Dreliability.cycles=100}. Each run prints its random seed;
 * {@code -Dreliability.seed=S} replays the same sequence of kills.
 */
class ReliabilityIT {

    private static final int CYCLES = Integer.getInteger("reliability.cycles", 6);
    private static final long SEED = Long.getLong("reliability.seed", System.nanoTime());

    @TempDir
    Path dir;

    @BeforeEach
    void freshServerDatabase() throws Exception {
        Nodes.resetServerDatabase();
    }

    @Test
    void randomKillsOfServerAndLaptopOverManyPushCyclesLoseAndDoubleNothing() throws Exception {
        Random random = new Random(SEED);
        System.out.printf("reliability: %d cycles, seed %d (-Dreliability.seed=%d replays it)%n", CYCLES, SEED, SEED);
        int port = AppProcess.freePort();
        AppProcess server = Nodes.server(dir, port);
        String token = Nodes.enrolLaptop(server);
        String[] laptopFlags = {
            "-Dsync.client.push.interval=1s",
            "-Dsync.client.push.max-transactions=7",
            "-Dsync.client.push.backoff-initial=200ms",
            "-Dsync.client.push.backoff-max=1s"
        };
        AppProcess laptop = Nodes.client(dir, port, token, laptopFlags).awaitReady();
        List<String> kills = new ArrayList<>();
        int households = 0;
        try {
            for (int cycle = 0; cycle < CYCLES; cycle++) {
                int entered = 5 + random.nextInt(20);
                Nodes.enterHouseholdsWithSubjects(laptop, households, entered);
                households += entered;
                Thread.sleep(random.nextInt(2500)); // lands before, during or after the scheduled pushes
                if (random.nextBoolean()) {
                    kills.add("server after " + households);
                    server.kill();
                    server = Nodes.server(dir, port);
                } else {
                    kills.add("laptop after " + households);
                    laptop.kill();
                    laptop = Nodes.client(dir, port, token, laptopFlags).awaitReady();
                }
            }
            System.out.println("reliability: kills " + kills);
            AppProcess finalLaptop = laptop;
            await().atMost(Duration.ofMinutes(3))
                    .untilAsserted(() -> given().baseUri(finalLaptop.baseUrl())
                            .get("/api/v1/status")
                            .then()
                            .body("pending", equalTo(0)));
            int expected = households;
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> Nodes.assertExactlyOnce(2L * expected, expected));
            given().baseUri(laptop.baseUrl()).get("/api/v1/status").then().body("lastSeq", equalTo(2 * expected));
        } finally {
            laptop.close();
            server.close();
        }
    }

    @Test
    void postgresqlStoppedDuringPushesClientsKeepTheirQueuesAndCatchUp() throws Exception {
        try (PrivatePostgres postgres = PrivatePostgres.start()) {
            int port = AppProcess.freePort();
            String jdbc = postgres.jdbcUrl();
            AppProcess server = Nodes.server(dir, port, jdbc);
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                tokens.add(Nodes.enrol(server, "field-pg-" + i, "field"));
            }
            List<AppProcess> laptops = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    laptops.add(Nodes.laptop(
                                    dir,
                                    "field-pg-" + i,
                                    port,
                                    tokens.get(i),
                                    "-Dsync.client.push.interval=1s",
                                    "-Dsync.client.push.max-transactions=5",
                                    "-Dsync.client.push.backoff-initial=200ms",
                                    "-Dsync.client.push.backoff-max=2s")
                            .awaitReady());
                }
                for (int i = 0; i < 3; i++) {
                    Nodes.enterHouseholdsWithSubjects(laptops.get(i), i * 1000, 30);
                }
                // pushes are under way (5 transactions a batch): the database goes away in the middle of them
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> Nodes.count(jdbc, "SELECT COUNT(*) FROM incoming_transaction") > 0);
                postgres.stopImmediately();
                for (int i = 0; i < 3; i++) {
                    Nodes.enterHouseholdsWithSubjects(laptops.get(i), i * 1000 + 30, 10); // entry goes on offline
                }
                Thread.sleep(4000); // several push attempts fail meanwhile
                for (AppProcess laptop : laptops) {
                    assertThat(given().baseUri(laptop.baseUrl())
                                    .get("/api/v1/status")
                                    .then()
                                    .extract()
                                    .<Integer>path("pending"))
                            .as("the queue is kept")
                            .isPositive();
                }
                assertThat(server.isAlive())
                        .as("the server survives the outage")
                        .isTrue();
                given().baseUri(server.baseUrl())
                        .auth()
                        .oauth2(tokens.get(0))
                        .get("/api/v1/producers/field-pg-0/watermark")
                        .then()
                        .statusCode(503)
                        .contentType("application/problem+json")
                        .header("Retry-After", "30")
                        .body("type", equalTo("urn:collect-offline:problem:database-unavailable"));

                postgres.restart();
                for (AppProcess laptop : laptops) {
                    await().atMost(Duration.ofMinutes(2))
                            .untilAsserted(() -> given().baseUri(laptop.baseUrl())
                                    .get("/api/v1/status")
                                    .then()
                                    .body("pending", equalTo(0)));
                }
                await().atMost(Duration.ofMinutes(1))
                        .untilAsserted(() -> assertThat(Nodes.count(
                                        jdbc, "SELECT COUNT(*) FROM incoming_transaction WHERE status = 'APPLIED'"))
                                .isEqualTo(240));
                assertThat(Nodes.count(jdbc, "SELECT COUNT(*) FROM incoming_transaction"))
                        .isEqualTo(240);
                assertThat(Nodes.count(jdbc, "SELECT COUNT(DISTINCT (producer, seq)) FROM incoming_transaction"))
                        .isEqualTo(240);
                assertThat(Nodes.count(jdbc, "SELECT COUNT(*) FROM household")).isEqualTo(120);
                assertThat(Nodes.count(jdbc, "SELECT COUNT(*) FROM subject")).isEqualTo(120);
                assertThat(Nodes.count(jdbc, "SELECT COUNT(*) FROM rejected_transaction"))
                        .isZero();
            } finally {
                for (AppProcess laptop : laptops) {
                    laptop.close();
                }
                server.close();
            }
        }
    }
}
