package io.collectoffline.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.testing.AppProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §9: several server instances share one PostgreSQL. Two packaged servers receive interleaved batches of 24
 * producers at once and both run apply workers; every transaction is stored once and every producer is applied in
 * seq order by one worker at a time (its cursor row is held with FOR UPDATE SKIP LOCKED), so each household ends in
 * the state of its producer's last change. With the same upstream and export schedule, the two forward each
 * transaction once and write one unbroken chain of export files (the jobs take a PostgreSQL advisory lock).
 */
class TwoServersOneDatabaseIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PRODUCERS = 24;
    private static final int CHANGES = 50;

    @TempDir
    Path dir;

    @Test
    void twoInstancesStoreOnceAndApplyEachProducerInOrder() throws Exception {
        Nodes.resetServerDatabase();
        // hand-made unsigned batches from devices with no signing key
        try (AppProcess first = Nodes.serverWith(
                        dir.resolve("a"),
                        AppProcess.freePort(),
                        Nodes.JDBC,
                        "-Dsync.server.ingest.accept-unsigned=true");
                AppProcess second = Nodes.serverWith(
                        dir.resolve("b"),
                        AppProcess.freePort(),
                        Nodes.JDBC,
                        "-Dsync.server.ingest.accept-unsigned=true")) {
            String token = Nodes.enrol(first, "relay-2x", "server");
            List<UUID> households = new ArrayList<>();
            List<Map<String, Object>> batches = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                UUID household = UUID.randomUUID();
                households.add(household);
                for (int from = 1; from <= CHANGES; from += 10) {
                    List<Map<String, Object>> txs = new ArrayList<>();
                    for (int seq = from; seq < from + 10; seq++) {
                        txs.add(tx("producer-" + p, seq, household, "HH-2X-" + p, seq == 1 ? "INSERT" : "UPDATE"));
                    }
                    Map<String, Object> batch = new LinkedHashMap<>();
                    batch.put("batchId", UUID.randomUUID().toString());
                    batch.put("sender", "relay-2x");
                    batch.put("transactions", txs);
                    batches.add(batch);
                }
            }
            java.util.Collections.shuffle(batches, new java.util.Random(7));
            ExecutorService senders = Executors.newFixedThreadPool(4);
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < batches.size(); i++) {
                AppProcess server = i % 2 == 0 ? first : second;
                Map<String, Object> batch = batches.get(i);
                sent.add(senders.submit(() -> given().baseUri(server.baseUrl())
                        .auth()
                        .oauth2(token)
                        .contentType("application/json")
                        .body(batch)
                        .post("/api/v1/batches")
                        .then()
                        .statusCode(200)));
            }
            for (Future<?> f : sent) {
                f.get();
            }
            senders.shutdown();

            await().atMost(Duration.ofSeconds(90))
                    .until(() -> Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction WHERE status = 'APPLIED'")
                            == PRODUCERS * CHANGES);
            assertThat(Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction"))
                    .isEqualTo(PRODUCERS * CHANGES);
            assertThat(Nodes.serverCount("SELECT COUNT(*) FROM incoming_transaction WHERE status <> 'APPLIED'"))
                    .isZero();
            try (Connection c = DriverManager.getConnection(Nodes.JDBC, "postgres", "");
                    PreparedStatement ps = c.prepareStatement("SELECT village, version FROM household WHERE id = ?")) {
                for (UUID household : households) {
                    ps.setObject(1, household);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).isEqualTo("v" + CHANGES);
                        assertThat(rs.getLong(2)).isEqualTo(CHANGES - 1);
                    }
                }
            }
            assertThat(first.output()).contains("Applied ");
            assertThat(second.output()).contains("Applied ");
        }
    }

    @Test
    void twoInstancesWithTheSameUpstreamAndExportScheduleForwardEachTransactionOnceInOneFileChain() throws Exception {
        Nodes.resetServerDatabase();
        int centralPort = AppProcess.freePort();
        Path centralJar = Path.of("..", "sync-server", "target", "quarkus-app", "quarkus-run.jar");
        String centralAdmin = Nodes.firstAdmin(dir.resolve("central"));
        String[] centralSettings = {"-Dsync.server.node-id=central", "-Dsync.server.ingest.accept-unsigned=true"};
        String siteToken;
        try (AppProcess central = AppProcess.start(centralJar, centralPort, dir.resolve("central"), centralSettings)
                .awaitReady()) {
            siteToken = Nodes.enrolAs(centralAdmin, central, "site-2x", "server");
        }
        // the central server is away while the waves arrive: both instances export them (on their schedule and on
        // request, at the same moment), then both forward once it is back
        String[] shared = {
            "-Dsync.server.ingest.accept-unsigned=true",
            "-Dsync.server.node-id=site-2x",
            "-Dsync.server.upstream.url=http://127.0.0.1:" + centralPort,
            "-Dsync.server.upstream.token=" + siteToken,
            "-Dsync.server.upstream.interval=1s",
            "-Dsync.server.upstream.backoff-initial=1s",
            "-Dsync.server.upstream.backoff-max=2s",
            "-Dsync.server.files.export-interval=1s"
        };
        try (AppProcess first = Nodes.serverWith(dir.resolve("a"), AppProcess.freePort(), Nodes.JDBC, shared);
                AppProcess second = Nodes.serverWith(dir.resolve("b"), AppProcess.freePort(), Nodes.JDBC, shared)) {
            String token = Nodes.enrol(first, "relay-2x", "server");
            ExecutorService admins = Executors.newFixedThreadPool(2);
            int total = 0;
            try {
                for (int wave = 0; wave < 4; wave++) {
                    List<Map<String, Object>> txs = new ArrayList<>();
                    for (int p = 0; p < 6; p++) {
                        UUID household = UUID.randomUUID();
                        for (int seq = 1; seq <= 10; seq++) {
                            txs.add(tx(
                                    "wave" + wave + "-producer-" + p,
                                    seq,
                                    household,
                                    "HH-W" + wave + "-" + p,
                                    seq == 1 ? "INSERT" : "UPDATE"));
                        }
                    }
                    total += txs.size();
                    Map<String, Object> batch = new LinkedHashMap<>();
                    batch.put("batchId", UUID.randomUUID().toString());
                    batch.put("sender", "relay-2x");
                    batch.put("transactions", txs);
                    given().baseUri((wave % 2 == 0 ? first : second).baseUrl())
                            .auth()
                            .oauth2(token)
                            .contentType("application/json")
                            .body(batch)
                            .post("/api/v1/batches")
                            .then()
                            .statusCode(200);
                    List<Future<?>> exports = new ArrayList<>();
                    for (AppProcess server : List.of(first, second)) {
                        exports.add(admins.submit(() -> Nodes.admin(server)
                                .post("/api/v1/files/export")
                                .then()
                                .statusCode(200)));
                    }
                    for (Future<?> export : exports) {
                        export.get();
                    }
                    int sent = total;
                    await().atMost(Duration.ofSeconds(60))
                            .until(() -> Nodes.serverCount(
                                            "SELECT COUNT(*) FROM incoming_transaction WHERE export_batch_id IS NOT "
                                                    + "NULL")
                                    == sent);
                }
            } finally {
                admins.shutdown();
            }
            // one chain of export files: each names the one before it, and no transaction is in two files
            List<UUID[]> chain = new ArrayList<>();
            try (Connection c = DriverManager.getConnection(Nodes.JDBC, "postgres", "");
                    PreparedStatement ps = c.prepareStatement(
                            "SELECT batch_id, previous_batch_id FROM export_batch ORDER BY created, batch_id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    chain.add(new UUID[] {rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)});
                }
            }
            assertThat(chain).as("exports, at least one per wave").hasSizeGreaterThanOrEqualTo(4);
            for (int i = 0; i < chain.size(); i++) {
                assertThat(chain.get(i)[1])
                        .as("export " + i + " names the one before it")
                        .isEqualTo(i == 0 ? null : chain.get(i - 1)[0]);
            }
            assertThat(Nodes.serverCount("SELECT COALESCE(SUM(transactions), 0) FROM export_batch"))
                    .isEqualTo(total);

            try (AppProcess central = AppProcess.start(centralJar, centralPort, dir.resolve("central"), centralSettings)
                    .awaitReady()) {
                await().atMost(Duration.ofSeconds(90))
                        .until(() -> Nodes.serverCount(
                                        "SELECT COUNT(*) FROM incoming_transaction WHERE forwarded_at IS NULL")
                                == 0);
                String metrics = given().baseUri(central.baseUrl())
                        .get("/q/metrics")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString();
                assertThat(metrics)
                        .as("every transaction reached the central server once")
                        .contains("collect_ingest_transactions_total{status=\"ACCEPTED\"} " + total + ".0")
                        .doesNotContain("status=\"DUPLICATE\"");
            }
        }
    }

    private static Map<String, Object> tx(String producer, int seq, UUID id, String identifier, String action)
            throws Exception {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", id.toString());
        fields.put("household_identifier", identifier);
        fields.put("village", "v" + seq);
        fields.put("enumeration_date", "2026-11-20");
        fields.put("version", seq - 1);
        fields.put("created", "2026-11-27T08:00:00Z");
        fields.put("modified", "2026-11-27T08:00:00Z");
        fields.put("user_created", "ra");
        fields.put("user_modified", "ra");
        fields.put("hostname_created", "laptop");
        fields.put("hostname_modified", "laptop");
        fields.put("device_created", producer);
        fields.put("device_modified", producer);
        Map<String, Object> snapshot = Map.of("model", "study.household", "schemaVersion", 2, "fields", fields);
        Map<String, Object> tx = new LinkedHashMap<>();
        tx.put("txId", UUID.randomUUID().toString());
        tx.put("producer", producer);
        tx.put("seq", seq);
        tx.put("model", "study.household");
        tx.put("recordId", id.toString());
        tx.put("action", action);
        tx.put("keyId", "plain-json");
        tx.put(
                "payload",
                Base64.getEncoder()
                        .encodeToString(JSON.writeValueAsString(snapshot).getBytes(StandardCharsets.UTF_8)));
        return tx;
    }
}
