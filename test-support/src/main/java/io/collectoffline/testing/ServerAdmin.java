package io.collectoffline.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The admin a test harness acts as on a server it started: there is no default account or shared token, so a
 * harness makes one as an operator does — with the CLI step {@code users add-admin} ({@link #viaCli}) before the
 * server starts — or, where a harness starts many servers on PostgreSQL databases it resets for every test, by
 * writing the same account and an API token of known value into the migrated database ({@link #seed}).
 */
public final class ServerAdmin {

    /** The API token {@link #seed} gives the harness admin (the {@code cou_} prefix of a person's API token). */
    public static final String TOKEN = "cou_test-harness-admin-token";
    /** The harness admin's name. */
    public static final String NAME = "harness-admin";
    /** Its password (for a page test that logs in). */
    public static final String PASSWORD = "the harness admin's password";

    /** The stored hash of {@link #PASSWORD}, made once (a PBKDF2 hash takes a while). */
    private static String passwordHash;

    private ServerAdmin() {}

    /**
     * Runs {@code users add-admin} of the server app {@code jar} in {@code workDir} with the server's
     * {@code properties} (the same database), before the server starts (an embedded database is one process's);
     * returns the API token it printed.
     */
    public static String viaCli(Path jar, Path workDir, String... properties) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(properties));
        command.addAll(
                List.of("-jar", jar.toAbsolutePath().toString(), "users", "add-admin", NAME, "--password-stdin"));
        java.nio.file.Files.createDirectories(workDir);
        Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().write((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("users add-admin failed:\n" + output);
        }
        Matcher token = Pattern.compile("(?m)^(cou_\\S+)$").matcher(output);
        if (!token.find()) {
            throw new IllegalStateException("users add-admin printed no token:\n" + output);
        }
        return token.group(1);
    }

    /**
     * Writes the harness admin and its API token {@link #TOKEN} into the migrated server database at
     * {@code jdbcUrl} (PostgreSQL, user postgres), unless there already; returns the token.
     */
    public static String seed(String jdbcUrl) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
            seed(c);
        }
        return TOKEN;
    }

    /** As {@link #seed(String)}, on an open connection to the server's database (PostgreSQL or H2). */
    public static synchronized void seed(Connection c) throws SQLException {
        if (passwordHash == null) {
            passwordHash = io.collectoffline.security.PasswordHash.hash(PASSWORD);
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        try (PreparedStatement user = c.prepareStatement("INSERT INTO server_user (username, display_name, role, "
                        + "password_hash, created_at, created_by) "
                        + "VALUES (?, 'Harness Admin', 'admin', ?, ?, 'harness') ON CONFLICT DO NOTHING");
                PreparedStatement token = c.prepareStatement("INSERT INTO user_token (token_hash, username, kind, "
                        + "label, created_at, expires_at, last_used_at) VALUES (?, ?, 'api', 'harness', ?, ?, ?) "
                        + "ON CONFLICT DO NOTHING")) {
            user.setString(1, NAME);
            user.setString(2, passwordHash);
            user.setObject(3, now);
            user.executeUpdate();
            token.setString(1, io.collectoffline.security.TokenHash.of(TOKEN));
            token.setString(2, NAME);
            token.setObject(3, now);
            token.setObject(4, now.plusYears(1));
            token.setObject(5, now);
            token.executeUpdate();
        }
    }

    /**
     * Every server of a study opens the same payloads, so they share the study's key pair: copies it, private, from
     * the server started in {@code fromWorkDir} (which generated it) to where a server started in {@code toWorkDir}
     * reads its own, as an admin would.
     */
    public static void copyStudyKeys(Path fromWorkDir, Path toWorkDir) throws IOException {
        Path from = fromWorkDir.resolve("data").resolve("server").resolve("keys");
        Path to = toWorkDir.resolve("data").resolve("server").resolve("keys");
        Files.createDirectories(to);
        try (Stream<Path> keys = Files.list(from)) {
            for (Path key : keys.toList()) {
                Files.copy(key, to.resolve(key.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
