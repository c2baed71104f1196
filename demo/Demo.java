import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The main job, on the embedded default databases: starts a server and a field laptop, enters a few study records
 * on the laptop, pushes them, shows that they arrived (counts from both sides), and keeps both running with their
 * URLs printed until Ctrl+C. Run from the repository root after building:
 *
 * <pre>mvn -B -q package -DskipTests && java demo/Demo.java</pre>
 *
 * {@code --exit} stops both apps after the report instead of waiting. Everything the demo writes is under
 * {@code data/demo/}, which it empties when it starts.
 */
public class Demo {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final List<Process> APPS = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        boolean exit = List.of(args).contains("--exit");
        Path serverJar = Path.of("sync-server/target/quarkus-app/quarkus-run.jar");
        Path clientJar = Path.of("sync-client/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(serverJar) || !Files.exists(clientJar)) {
            fail("Build first, from the repository root: mvn -B -q package -DskipTests");
        }
        Path work = Path.of("data", "demo");
        stopLeftOver(work.resolve("pids"));
        wipe(work);
        Files.createDirectories(work.resolve("server"));
        Files.createDirectories(work.resolve("client"));
        Runtime.getRuntime().addShutdownHook(new Thread(Demo::stopApps));

        int serverPort = port(8080);
        int clientPort = port(8081);
        String server = "http://127.0.0.1:" + serverPort;
        String client = "http://127.0.0.1:" + clientPort;

        String adminPassword = "demo-" + UUID.randomUUID().toString().substring(0, 13);
        say("Making the server's first admin, 'demo-admin', with the CLI step (users add-admin)");
        String made = firstAdmin(serverJar, work.resolve("server"), adminPassword);
        Matcher apiToken = Pattern.compile("(?m)^(cou_\\S+)$").matcher(made);
        if (!apiToken.find()) {
            fail("Making the first admin failed: " + made);
        }
        String adminToken = apiToken.group(1);
        say("Starting the server on " + server + " (embedded H2 under " + work.resolve("server") + ")");
        start(serverJar, work.resolve("server"), "-Dquarkus.http.port=" + serverPort);
        awaitReady(server);
        say("Enrolling the laptop 'demo-laptop' on the server (its token is shown once)");
        HttpResponse<String> enrolment = HTTP.send(HttpRequest.newBuilder(URI.create(server + "/api/v1/devices"))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"deviceId\":\"demo-laptop\",\"role\":\"field\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        Matcher tokenMatch = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(enrolment.body());
        if (enrolment.statusCode() != 201 || !tokenMatch.find()) {
            fail("Enrolment failed: " + enrolment.statusCode() + " " + enrolment.body());
        }
        String raPassword = "ra-" + UUID.randomUUID().toString().substring(0, 13);
        say("Adding a research assistant, 'demo-ra', on the server; the laptop receives the account (hash only)");
        HttpResponse<String> ra = HTTP.send(HttpRequest.newBuilder(URI.create(server + "/api/v1/users"))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"demo-ra\",\"displayName\":\"Demo "
                        + "Assistant\",\"role\":\"research-assistant\",\"password\":\"" + raPassword + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (ra.statusCode() != 201) {
            fail("Adding the research assistant failed: " + ra.statusCode() + " " + ra.body());
        }
        say("Starting a field laptop on " + client + " (embedded H2 under " + work.resolve("client")
                + "); it fetches the server's public key and seals every payload to it");
        start(clientJar, work.resolve("client"), "-Dquarkus.http.port=" + clientPort,
                "-Dsync.client.device-id=demo-laptop", "-Dsync.client.server.url=" + server,
                "-Dsync.client.server.token=" + tokenMatch.group(1), "-Dsync.client.push.interval=10s");
        awaitReady(client);

        say("Logging in on the laptop as demo-ra (no network needed once the account is there)");
        loginToken = login(client, raPassword);
        say("Entering study records on the laptop (each change carries demo-ra)");
        int records = 0;
        for (int i = 1; i <= 2; i++) {
            String household = create(client, "study.household",
                    "{\"householdIdentifier\":\"HH-DEMO-" + i + "\",\"village\":\"Oodi\",\"enumerationDate\":\"2026-11-20\"}");
            String subject = create(client, "study.subject", "{\"subjectIdentifier\":\"S-DEMO-" + i
                    + "\",\"householdId\":\"" + household + "\",\"gender\":\"" + (i == 1 ? "F" : "M")
                    + "\",\"initials\":\"KM\",\"dob\":\"1990-03-0" + i + "\",\"consentDatetime\":\"2026-11-27T09:00:00+02:00\"}");
            String visit = create(client, "study.subject_visit", "{\"subjectId\":\"" + subject
                    + "\",\"visitCode\":\"1000\",\"visitDatetime\":\"2026-11-27T09:30:00+02:00\"}");
            create(client, "study.vital_signs", "{\"subjectVisitId\":\"" + visit
                    + "\",\"reportDatetime\":\"2026-11-27T09:40:00+02:00\",\"weightKg\":61.5,\"heightCm\":164.0,\"systolicBp\":118,\"diastolicBp\":76}");
            create(client, "study.specimen_requisition", "{\"requisitionIdentifier\":\"REQ-DEMO-" + i
                    + "\",\"subjectVisitId\":\"" + visit + "\",\"panel\":\"viral_load\",\"drawn\":true,"
                    + "\"drawnDatetime\":\"2026-11-27T09:45:00+02:00\"}");
            records += 5;
        }
        say("  " + records + " records saved; laptop status: " + get(client + "/api/v1/status"));

        say("Pushing to the server");
        say("  " + post(client + "/api/v1/push?wait=true"));

        long expected = number(get(client + "/api/v1/status"), "lastSeq");
        Instant deadline = Instant.now().plusSeconds(30);
        long applied = 0;
        while (Instant.now().isBefore(deadline)) {
            applied = number(admin(server + "/api/v1/status", adminToken), "APPLIED");
            if (applied >= expected) {
                break;
            }
            Thread.sleep(200);
        }
        String laptop = get(client + "/api/v1/status");
        System.out.println();
        System.out.println("| side | what | count |");
        System.out.println("|---|---|---:|");
        System.out.println("| laptop | transactions captured (last seq) | " + expected + " |");
        System.out.println("| laptop | still pending | " + number(laptop, "pending") + " |");
        System.out.println("| server | transactions applied | " + applied + " |");
        System.out.println("| server | transactions rejected | " + number(admin(server + "/api/v1/status", adminToken),
                "rejected") + " |");
        System.out.println();
        if (applied < expected || number(laptop, "pending") != 0) {
            fail("Not everything arrived: see " + work.resolve("server.log") + " and " + work.resolve("client.log"));
        }
        say("Everything arrived, exactly once.");
        System.out.println();
        System.out.println("  laptop pages:         " + client + "/   (enter records as demo-ra, password " + raPassword
                + "; push now, status)");
        System.out.println("  server admin page:    " + server + "/admin   (log in as demo-admin, password "
                + adminPassword + ")");
        System.out.println("  laptop API and docs:  " + client + "/q/swagger-ui   status: " + client + "/api/v1/status");
        System.out.println("  server API and docs:  " + server + "/q/swagger-ui   status: curl -H 'Authorization: Bearer "
                + adminToken + "' " + server + "/api/v1/status");
        System.out.println("  enter a record:       curl -H 'Authorization: Bearer " + loginToken + "' -H "
                + "'Content-Type: application/json' -d '{\"householdIdentifier\":\"HH-3\"}' " + client
                + "/api/v1/records/study.household   (the login locks after 10 min idle)");
        System.out.println("  logs:                 " + work.resolve("server.log") + ", " + work.resolve("client.log"));
        if (exit) {
            say("Stopping both apps (--exit).");
            return;
        }
        System.out.println();
        say("Both apps keep running (the laptop pushes every 10 s). Press Ctrl+C to stop them.");
        Thread.currentThread().join();
    }

    /** Runs the server's first-admin step in {@code dir} (before the server starts: H2 is one process's). */
    private static String firstAdmin(Path jar, Path dir, String password) throws Exception {
        Process step = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toAbsolutePath().toString(), "users", "add-admin", "demo-admin", "--display-name", "Demo Admin",
                "--password-stdin").directory(dir.toFile()).redirectErrorStream(true).start();
        step.getOutputStream().write((password + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        step.getOutputStream().close();
        String output = new String(step.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (step.waitFor() != 0) {
            fail("users add-admin failed: " + output);
        }
        return output;
    }

    private static void start(Path jar, Path dir, String... properties) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(properties));
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        Path log = dir.getParent().resolve(dir.getFileName() + ".log");
        Process app = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        APPS.add(app);
        // remembered, so that the next run stops it if this one is killed hard (no shutdown hook runs then)
        Files.writeString(dir.getParent().resolve("pids"), app.pid() + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** Stops the apps a previous run left running (it was killed hard: kill -9, a closed terminal). */
    private static void stopLeftOver(Path pids) throws Exception {
        if (!Files.exists(pids)) {
            return;
        }
        for (String line : Files.readAllLines(pids)) {
            Optional<ProcessHandle> app = line.isBlank() ? Optional.empty()
                    : ProcessHandle.of(Long.parseLong(line.trim()));
            if (app.isPresent() && app.get().isAlive() && app.get().info().command().orElse("").contains("java")) {
                say("Stopping an app a previous demo left running (pid " + line.trim() + ")");
                app.get().destroy();
                app.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }

    private static void awaitReady(String base) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            for (Process app : APPS) {
                if (!app.isAlive()) {
                    fail("An app stopped while starting; see the logs under data/demo/");
                }
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        fail(base + " did not become ready within 60 s; see the logs under data/demo/");
    }

    private static String create(String client, String model, String json) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(client + "/api/v1/records/"
                + model)).header("Content-Type", "application/json").header("Authorization", "Bearer " + loginToken)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            fail("Creating a " + model + " failed: " + response.statusCode() + " " + response.body());
        }
        Matcher id = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(response.body());
        if (!id.find()) {
            fail("No id in " + response.body());
        }
        say("  created " + model + " " + id.group(1));
        return id.group(1);
    }

    /** The laptop login's token (scripts send it as a bearer token; the pages use the cookie). */
    private static String loginToken;

    /** Logs demo-ra in on the laptop, waiting for the account to arrive from the server (at the laptop's start). */
    private static String login(String client, String password) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(client + "/api/v1/session"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"username\":\"demo-ra\",\"password\":\"" + password + "\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            Matcher token = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(response.body());
            if (response.statusCode() == 200 && token.find()) {
                return token.group(1);
            }
            if (Instant.now().isAfter(deadline)) {
                fail("Logging in on the laptop failed: " + response.statusCode() + " " + response.body());
            }
            Thread.sleep(500);
        }
    }

    private static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String admin(String url, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String post(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static long number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static int port(int preferred) throws IOException {
        try (ServerSocket socket = new ServerSocket(preferred)) {
            return preferred;
        } catch (IOException busy) {
            try (ServerSocket socket = new ServerSocket(0)) {
                say("Port " + preferred + " is taken by another program; using " + socket.getLocalPort()
                        + " instead (the URLs below say which)");
                return socket.getLocalPort();
            }
        }
    }

    private static void wipe(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static void stopApps() {
        for (Process app : APPS) {
            app.destroy();
        }
        for (Process app : APPS) {
            try {
                app.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void say(String line) {
        System.out.println("[demo] " + line);
    }

    private static void fail(String message) {
        System.err.println("[demo] " + message);
        System.exit(1);
    }
}
