package io.collectoffline.e2e;

import static io.restassured.RestAssured.given;

import io.collectoffline.testing.AppProcess;
import io.collectoffline.testing.ServerAdmin;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A server (on the e2e PostgreSQL database) and a laptop, as real processes, and what the tests ask of them. */
final class Nodes {

    static final String JDBC = System.getProperty("e2e.jdbc", "jdbc:postgresql://127.0.0.1:5432/e2e");
    /** The API token of the admin the harness acts as on every server it starts ({@link ServerAdmin}). */
    static final String ADMIN = ServerAdmin.TOKEN;

    private static final Path SERVER_JAR = Path.of("..", "sync-server", "target", "quarkus-app", "quarkus-run.jar");
    private static final Path CLIENT_JAR = Path.of("..", "sync-client", "target", "quarkus-app", "quarkus-run.jar");

    private Nodes() {}

    /** Empties the server database (creating it on a fresh machine): the server migrates it afresh on start. */
    static void resetServerDatabase() throws SQLException {
        String name = JDBC.substring(JDBC.lastIndexOf('/') + 1);
        try (Connection c = DriverManager.getConnection(
                        JDBC.substring(0, JDBC.lastIndexOf('/')) + "/postgres", "postgres", "");
                Statement s = c.createStatement();
                ResultSet exists = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
            if (!exists.next()) {
                try (Statement create = c.createStatement()) {
                    create.execute("CREATE DATABASE " + name);
                }
            }
        }
        try (Connection c = DriverManager.getConnection(JDBC, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA public CASCADE");
            s.execute("CREATE SCHEMA public");
        }
    }

    static AppProcess server(Path dir, int port) throws IOException {
        return server(dir, port, JDBC);
    }

    /** A server on another PostgreSQL database ({@code jdbc}). */
    static AppProcess server(Path dir, int port, String jdbc) throws IOException {
        return serverWith(dir, port, jdbc);
    }

    /** A server on {@code jdbc} with more settings ({@code -Dkey=value}). */
    static AppProcess serverWith(Path dir, int port, String jdbc, String... extra) throws IOException {
        List<String> properties = new ArrayList<>(List.of(
                "-Dsync.server.db=postgresql",
                "-Dquarkus.datasource.postgresql.jdbc.url=" + jdbc,
                "-Dquarkus.datasource.postgresql.username=postgres",
                "-Dsync.server.apply.interval=200ms"));
        properties.addAll(List.of(extra));
        AppProcess server = AppProcess.start(SERVER_JAR, port, dir.resolve("server"), properties.toArray(String[]::new))
                .awaitReady();
        try {
            ServerAdmin.seed(jdbc); // the database was reset for the test: its admin, written once migrated
        } catch (SQLException e) {
            try {
                server.close();
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("making the harness admin failed", e);
        }
        return server;
    }

    /** Enrols the e2e laptop on the server, as the admin does at the clinic; returns its token. */
    static String enrolLaptop(AppProcess server) {
        return enrol(server, "field-e2e", "field");
    }

    /** Enrols a device on the server; returns its token. */
    static String enrol(AppProcess server, String deviceId, String role) {
        return enrol(server, deviceId, role, Map.of());
    }

    /** Enrols {@code deviceId} as a field laptop of {@code site}; returns its token. */
    static String enrolIn(AppProcess server, String deviceId, String site) {
        return enrol(server, deviceId, "field", Map.of("site", site));
    }

    /** Enrols the field laptop {@code field-e2e} in {@code site}; returns its token. */
    static String enrolLaptopIn(AppProcess server, String site) {
        return enrol(server, "field-e2e", "field", Map.of("site", site));
    }

    /**
     * Enrols a device on a server whose admin is {@code admin} (the token of a server's own first admin, made with
     * the CLI step); returns its token.
     */
    static String enrolAs(String admin, AppProcess server, String deviceId, String role) {
        return enrol(admin, server, deviceId, role, Map.of());
    }

    private static String enrol(AppProcess server, String deviceId, String role, Map<String, String> more) {
        return enrol(ADMIN, server, deviceId, role, more);
    }

    private static String enrol(
            String admin, AppProcess server, String deviceId, String role, Map<String, String> more) {
        Map<String, String> body = new java.util.HashMap<>(more);
        body.put("deviceId", deviceId);
        body.put("role", role);
        return given().baseUri(server.baseUrl())
                .auth()
                .oauth2(admin)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/devices")
                .then()
                .statusCode(201)
                .extract()
                .path("token");
    }

    /** The field laptop {@code field-e2e}. */
    static AppProcess client(Path dir, int serverPort, String token, String... extra) throws IOException {
        return laptop(dir, "field-e2e", serverPort, token, extra);
    }

    /** A laptop (field or, with {@code -Dsync.client.role=middleman}, middleman) with its own database. */
    static AppProcess laptop(Path dir, String deviceId, int serverPort, String token, String... extra)
            throws IOException {
        return laptopIn(
                dir.resolve(deviceId.equals("field-e2e") ? "client" : deviceId), deviceId, serverPort, token, extra);
    }

    /**
     * A laptop whose files (database under {@code db/}, log) are in {@code folder}; data is entered as tools do, named
     * by a header (logins off), unless {@code extra} turns logins on ({@code -Dsync.client.users.login=required}).
     */
    static AppProcess laptopIn(Path folder, String deviceId, int serverPort, String token, String... extra)
            throws IOException {
        List<String> properties = new ArrayList<>(List.of("-Dsync.client.users.login=off"));
        properties.addAll(List.of(extra)); // a later -D of the same key wins
        return laptopOf(CLIENT_JAR, folder, deviceId, serverPort, token, properties.toArray(String[]::new));
    }

    /** Like {@link #laptopIn}, with the laptop app {@code jar} (e.g. an earlier release's). */
    static AppProcess laptopOf(Path jar, Path folder, String deviceId, int serverPort, String token, String... extra)
            throws IOException {
        List<String> properties = new ArrayList<>(List.of(
                "-Dsync.client.db-path=" + folder.resolve("db").resolve("collect-offline"),
                "-Dsync.client.device-id=" + deviceId,
                "-Dsync.client.server.url=http://127.0.0.1:" + serverPort,
                "-Dsync.client.server.token=" + token,
                "-Dsync.client.push.interval=off"));
        properties.addAll(List.of(extra));
        return AppProcess.start(jar, AppProcess.freePort(), folder, properties.toArray(String[]::new));
    }

    /**
     * Has {@code node} (a laptop, or a server through {@code as}) write an export file of {@code expected}
     * transactions; returns its path.
     */
    static Path exported(io.restassured.specification.RequestSpecification as, AppProcess node, int expected) {
        String file = as.post("/api/v1/files/export")
                .then()
                .statusCode(200)
                .body("transactions", org.hamcrest.Matchers.equalTo(expected))
                .extract()
                .path("file");
        return Path.of(file).isAbsolute() ? Path.of(file) : node.workDir().resolve(file);
    }

    /** The batch id an export file's header names. */
    static String batchOf(Path export) throws IOException {
        String header = java.nio.file.Files.readAllLines(export, java.nio.charset.StandardCharsets.UTF_8)
                .get(0);
        return header.replaceAll(".*\"batchId\":\"([^\"]+)\".*", "$1");
    }

    /** Creates {@code households} households, each with a subject, through the laptop's data entry API. */
    static List<UUID> enterHouseholdsWithSubjects(AppProcess client, int households) {
        return enterHouseholdsWithSubjects(client, 0, households);
    }

    /** Like {@link #enterHouseholdsWithSubjects(AppProcess, int)}, numbering identifiers from {@code first}. */
    static List<UUID> enterHouseholdsWithSubjects(AppProcess client, int first, int households) {
        List<UUID> ids = new ArrayList<>();
        for (int i = first; i < first + households; i++) {
            String household = given().baseUri(client.baseUrl())
                    .contentType(ContentType.JSON)
                    .body(Map.of("householdIdentifier", "HH-" + i, "village", "Oodi"))
                    .post("/api/v1/records/study.household")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");
            String subject = given().baseUri(client.baseUrl())
                    .contentType(ContentType.JSON)
                    .body(Map.of(
                            "subjectIdentifier",
                            "S-" + i,
                            "householdId",
                            household,
                            "gender",
                            "F",
                            "consentDatetime",
                            "2026-11-27T09:00:00+02:00"))
                    .post("/api/v1/records/study.subject")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");
            ids.add(UUID.fromString(household));
            ids.add(UUID.fromString(subject));
        }
        return ids;
    }

    /** A request to the server as its admin. */
    /**
     * The admin token of the server whose files are in {@code root}, on its embedded database: made with the CLI step
     * before the first start (as an operator does), kept in the folder for the server's restarts.
     */
    static String firstAdmin(Path root) throws IOException, InterruptedException {
        Path kept = root.resolve("harness-admin.token");
        if (java.nio.file.Files.exists(kept)) {
            return java.nio.file.Files.readString(kept).trim();
        }
        String token = ServerAdmin.viaCli(SERVER_JAR, root);
        java.nio.file.Files.writeString(kept, token);
        return token;
    }

    /**
     * Makes sure the harness admin is in the e2e database once a server has migrated it (a server started by a test
     * itself, not through {@link #serverWith}).
     */
    static void ensureAdmin() {
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(60))
                .until(() -> {
                    try {
                        ServerAdmin.seed(JDBC);
                        return true;
                    } catch (SQLException notMigratedYet) {
                        return false;
                    }
                });
    }

    /**
     * A request as the person {@code name} with {@code role} on {@code server}: the harness admin makes the account
     * (once), the person logs in, and what they do is theirs.
     */
    static io.restassured.specification.RequestSpecification as(AppProcess server, String name, String role) {
        String password = name + "'s long password";
        int made = admin(server)
                .contentType(ContentType.JSON)
                .body(Map.of("username", name, "displayName", name, "role", role, "password", password))
                .post("/api/v1/users")
                .then()
                .extract()
                .statusCode();
        org.assertj.core.api.Assertions.assertThat(made).as("making " + name).isIn(201, 409);
        String session = given().baseUri(server.baseUrl())
                .contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", password))
                .post("/api/v1/session")
                .then()
                .statusCode(200)
                .extract()
                .cookie("collect_session");
        return given().baseUri(server.baseUrl()).auth().oauth2(session);
    }

    static io.restassured.specification.RequestSpecification admin(AppProcess server) {
        return given().baseUri(server.baseUrl()).auth().oauth2(ADMIN);
    }

    static long serverCount(String sql) throws SQLException {
        return count(JDBC, sql);
    }

    /** A number from a query on another PostgreSQL database. */
    static long count(String jdbc, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Exactly once on the server: every transaction of the laptop stored once and applied once, and every record
     * present once.
     */
    static void assertExactlyOnce(long transactions, int households) throws SQLException {
        assertExactlyOnce(transactions, households, transactions);
    }

    /**
     * Exactly once, with {@code allApplied} transactions applied in all (the field laptop's and others', such as a
     * middleman's own receipts).
     */
    static void assertExactlyOnce(long transactions, int households, long allApplied) throws SQLException {
        org.assertj.core.api.Assertions.assertThat(
                        serverCount("SELECT COUNT(*) FROM incoming_transaction WHERE producer = 'field-e2e'"))
                .isEqualTo(transactions);
        org.assertj.core.api.Assertions.assertThat(serverCount(
                        "SELECT COUNT(DISTINCT seq) FROM incoming_transaction WHERE producer = 'field-e2e'"))
                .isEqualTo(transactions);
        org.assertj.core.api.Assertions.assertThat(
                        serverCount("SELECT COUNT(*) FROM incoming_transaction WHERE status = 'APPLIED'"))
                .isEqualTo(allApplied);
        org.assertj.core.api.Assertions.assertThat(serverCount("SELECT COUNT(*) FROM household"))
                .isEqualTo(households);
        org.assertj.core.api.Assertions.assertThat(serverCount("SELECT COUNT(*) FROM subject"))
                .isEqualTo(households);
        org.assertj.core.api.Assertions.assertThat(serverCount("SELECT COUNT(*) FROM rejected_transaction"))
                .isZero();
    }

    /** Backs up the e2e server database as the runbook does: {@code pg_dump -Fc} into {@code dump}. */
    static void backUpServerDatabase(Path dump) throws IOException, InterruptedException {
        run("pg_dump", "-h", "127.0.0.1", "-U", "postgres", "-Fc", "-f", dump.toString(), databaseName());
    }

    /** Restores the e2e server database as the runbook does: {@code pg_restore --clean --if-exists}. */
    static void restoreServerDatabase(Path dump) throws IOException, InterruptedException {
        run(
                "pg_restore",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "--clean",
                "--if-exists",
                "-d",
                databaseName(),
                dump.toString());
    }

    private static String databaseName() {
        return JDBC.substring(JDBC.lastIndexOf('/') + 1);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    /** Copies a folder (a laptop's database, as the runbook's backup does) into {@code to}. */
    static void copyFolder(Path from, Path to) throws IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (java.nio.file.Files.isDirectory(file)) {
                    java.nio.file.Files.createDirectories(target);
                } else {
                    java.nio.file.Files.copy(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Deletes a folder and everything in it. */
    static void deleteFolder(Path folder) throws IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(folder)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(file);
            }
        }
    }
}
