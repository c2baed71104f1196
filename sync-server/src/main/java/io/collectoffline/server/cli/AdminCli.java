package io.collectoffline.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.server.keys.KeyCommand;
import io.collectoffline.shipping.FileCommand;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The server's admin CLI: {@code java -jar sync-server/target/quarkus-app/quarkus-run.jar <command>}. {@code keys}
 * works on the key folder directly, {@code users add-admin} on the database ({@link FirstAdmin}); the others ask the
 * running server over HTTP with the person's API token ({@code SYNC_SERVER_TOKEN}; {@code --url} or
 * {@code SYNC_SERVER_URL}), so they take the same paths, checks, roles and locks as the API, and what they do is
 * attributed to that person.
 */
@Command(
        name = "collect-offline-server",
        mixinStandardHelpOptions = true,
        description = "collect-offline server administration",
        subcommands = {
            AdminCli.Devices.class,
            AdminCli.Keys.class,
            AdminCli.Files.class,
            AdminCli.Status.class,
            AdminCli.Models.class,
            AdminCli.AssignmentsCommand.class,
            AdminCli.Users.class,
            AdminCli.ExportCommand.class
        })
public final class AdminCli {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The subcommands this CLI answers (the first argument); anything else starts the server. */
    public static final List<String> COMMANDS = List.of(
            "devices",
            "keys",
            "files",
            "status",
            "models",
            "assignments",
            "users",
            "export",
            "--help",
            "-h",
            "--version",
            "-V");

    /** Runs the CLI and returns its exit code. */
    public static int run(String... args) {
        return new CommandLine(new AdminCli()).execute(args);
    }

    /** A device or site id as a path segment: only the characters an id may hold (DeviceId), nothing else. */
    static String pathId(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "");
    }

    /** Where the running server is, and the person's API token. */
    static class Server {
        @Option(names = "--url", description = "server base URL (default: $SYNC_SERVER_URL or http://127.0.0.1:8080)")
        String url = System.getenv().getOrDefault("SYNC_SERVER_URL", "http://127.0.0.1:8080");

        int call(String method, String path, String json) {
            String token = token();
            return token == null ? 2 : send(method, path, json, token);
        }

        /** The person's API token from the environment; null after saying how to get one. */
        static String token() {
            String token = System.getenv("SYNC_SERVER_TOKEN");
            if (token == null || token.isBlank()) {
                System.err.println("set SYNC_SERVER_TOKEN to your API token (users token <name>; the first admin's "
                        + "comes from users add-admin)");
                return null;
            }
            return token;
        }

        int send(String method, String path, String json, String token) {
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofMinutes(5));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            if (json != null) {
                request.header("Content-Type", "application/json");
            }
            request.method(
                    method,
                    json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
            try {
                HttpResponse<String> response = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .build()
                        .send(request.build(), HttpResponse.BodyHandlers.ofString());
                System.out.println(response.body());
                return response.statusCode() / 100 == 2 ? 0 : 1;
            } catch (IOException e) {
                System.err.println("the server at " + url + " could not be reached: "
                        + (e.getMessage() != null
                                ? e.getMessage()
                                : e.getClass().getSimpleName()));
                return 1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
    }

    @Command(
            name = "devices",
            mixinStandardHelpOptions = true,
            description = "Enrol, list and revoke devices",
            subcommands = {Devices.Enrol.class, Devices.ListAll.class, Devices.Revoke.class, Devices.Site.class})
    static class Devices {

        @Command(name = "enrol", description = "Enrol a device; prints its token (shown once)")
        static class Enrol extends Server implements Callable<Integer> {
            @Parameters(index = "0", description = "device id")
            String deviceId;

            @Option(names = "--role", required = true, description = "field, middleman or server")
            String role;

            @Option(names = "--site", description = "the site (study community) it belongs to")
            String site;

            @Override
            public Integer call() {
                ObjectNode body =
                        JSON.createObjectNode().put("deviceId", deviceId).put("role", role);
                if (site != null) {
                    body.put("site", site);
                }
                return call("POST", "/api/v1/devices", body.toString());
            }
        }

        @Command(name = "site", description = "Move a device to another site (its later transactions carry it)")
        static class Site extends Server implements Callable<Integer> {
            @Parameters(index = "0", description = "device id")
            String deviceId;

            @Parameters(index = "1", description = "site id, or - for none")
            String site;

            @Override
            public Integer call() {
                return call(
                        "PUT",
                        "/api/v1/devices/" + pathId(deviceId) + "/site",
                        JSON.createObjectNode()
                                .put("site", "-".equals(site) ? null : site)
                                .toString());
            }
        }

        @Command(name = "list", description = "Enrolled devices with their last contact")
        static class ListAll extends Server implements Callable<Integer> {
            @Override
            public Integer call() {
                return call("GET", "/api/v1/devices", null);
            }
        }

        @Command(name = "revoke", description = "Revoke a device's token")
        static class Revoke extends Server implements Callable<Integer> {
            @Parameters(index = "0", description = "device id")
            String deviceId;

            @Override
            public Integer call() {
                return call("POST", "/api/v1/devices/" + pathId(deviceId) + "/revoke", null);
            }
        }
    }

    @Command(
            name = "keys",
            mixinStandardHelpOptions = true,
            description = "Key pairs in the key folder: generate (rotate), list, current (public key JSON)",
            subcommands = {Keys.Generate.class, Keys.ListKeys.class, Keys.Current.class})
    static class Keys implements Runnable {

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            throw new ParameterException(spec.commandLine(), "keys: generate, list or current");
        }

        /** What every keys subcommand takes: the key folder. */
        abstract static class InFolder implements Callable<Integer> {
            @Option(names = "--dir", description = "key folder (default: $SYNC_SERVER_KEYS_DIR or ./data/server/keys)")
            Path dir = Path.of(System.getenv().getOrDefault("SYNC_SERVER_KEYS_DIR", "./data/server/keys"));
        }

        @Command(
                name = "generate",
                description = "Add a key pair and make it current (rotation: restart the server "
                        + "afterwards; older keys keep opening their payloads)")
        static class Generate extends InFolder {
            @Override
            public Integer call() {
                return KeyCommand.generate(dir, System.out, System.err);
            }
        }

        @Command(name = "list", description = "The key ids in the folder, the current one marked")
        static class ListKeys extends InFolder {
            @Override
            public Integer call() {
                return KeyCommand.list(dir, System.out, System.err);
            }
        }

        @Command(name = "current", description = "The current public key as JSON (for a laptop without network)")
        static class Current extends InFolder {
            @Override
            public Integer call() {
                return KeyCommand.current(dir, System.out, System.err);
            }
        }
    }

    @Command(
            name = "files",
            mixinStandardHelpOptions = true,
            description = "export; import FILE (with a progress bar); receipt FILE; status",
            subcommands = {
                FileCommand.Export.class,
                FileCommand.Import.class,
                FileCommand.Receipt.class,
                FileCommand.Status.class
            })
    static class Files implements FileCommand.Node, Runnable {

        @Spec
        CommandSpec spec;

        @Override
        public String defaultUrl() {
            return System.getenv().getOrDefault("SYNC_SERVER_URL", "http://127.0.0.1:8080");
        }

        @Override
        public String token() {
            String token = System.getenv("SYNC_SERVER_TOKEN");
            if (token == null || token.isBlank()) {
                throw new ParameterException(
                        spec.commandLine(), "set SYNC_SERVER_TOKEN to your API token (users token <name>)");
            }
            return token;
        }

        @Override
        public void run() {
            throw new ParameterException(spec.commandLine(), "files: export, import FILE, receipt FILE or status");
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Counts per status, apply lag, per producer progress, transfer")
    static class Status extends Server implements Callable<Integer> {
        @Option(names = "--site", description = "only the producers of this site")
        String site;

        @Override
        public Integer call() {
            return call(
                    "GET",
                    "/api/v1/status" + (site == null ? "" : "?site=" + URLEncoder.encode(site, StandardCharsets.UTF_8)),
                    null);
        }
    }

    @Command(name = "models", mixinStandardHelpOptions = true, description = "The offline models this server applies")
    static class Models implements Callable<Integer> {
        @Override
        public Integer call() {
            io.collectoffline.offline.OfflineModelRegistry registry = io.collectoffline.offline.OfflineModelRegistry.of(
                    io.collectoffline.offline.OfflineModelSet.discover());
            for (var model : registry.models()) {
                System.out.println(model.name() + "  table " + model.table() + "  natural key "
                        + model.naturalKey() + "  schema v" + model.schemaVersion()
                        + (model.references().isEmpty() ? "" : "  refers to " + model.references())
                        + (model.reference() ? "  reference (every device receives it)" : ""));
            }
            return 0;
        }
    }

    @Command(
            name = "assignments",
            mixinStandardHelpOptions = true,
            description = "Records given to a device or a site's team, which it then receives instead of its site's",
            subcommands = {
                AssignmentsCommand.ListAssigned.class,
                AssignmentsCommand.Add.class,
                AssignmentsCommand.Remove.class
            })
    static class AssignmentsCommand implements Runnable {

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            throw new ParameterException(spec.commandLine(), "assignments: list, add or remove");
        }

        /** Whose assignments: a device's or a site team's, exactly one. */
        abstract static class Target extends Server implements Callable<Integer> {
            @Spec
            CommandSpec spec;

            @Option(names = "--device", description = "the device's own assignments")
            String device;

            @Option(names = "--site", description = "the site team's (every device of the site)")
            String site;

            String path() {
                if ((device == null) == (site == null)) {
                    throw new ParameterException(spec.commandLine(), "give --device or --site, one of them");
                }
                String id = pathId(device != null ? device : site);
                return (device != null ? "/api/v1/devices/" : "/api/v1/sites/") + id + "/assignments";
            }
        }

        @Command(name = "list", description = "What is assigned")
        static class ListAssigned extends Target {
            @Override
            public Integer call() {
                return call("GET", path(), null);
            }
        }

        @Command(
                name = "add",
                description = "Assign records: each KEY a record id or the natural key (household or subject "
                        + "identifier); all or nothing")
        static class Add extends Target {
            @Option(names = "--model", required = true, description = "e.g. study.household or study.subject")
            String model;

            @Parameters(arity = "1..*", description = "record ids or natural keys")
            List<String> keys;

            @Override
            public Integer call() {
                ObjectNode body = JSON.createObjectNode().put("model", model);
                keys.forEach(body.putArray("keys")::add);
                return call("POST", path(), body.toString());
            }
        }

        @Command(name = "remove", description = "Take a record off the assignment")
        static class Remove extends Target {
            @Option(names = "--model", required = true, description = "e.g. study.household")
            String model;

            @Parameters(index = "0", description = "record id or natural key")
            String key;

            @Override
            public Integer call() {
                return call(
                        "DELETE",
                        path() + "?model=" + URLEncoder.encode(model, StandardCharsets.UTF_8) + "&key="
                                + URLEncoder.encode(key, StandardCharsets.UTF_8),
                        null);
            }
        }
    }

    @Command(
            name = "users",
            mixinStandardHelpOptions = true,
            description = "People's accounts (add-admin works on the database: see its --help)",
            subcommands = {
                Users.ListAll.class,
                Users.Add.class,
                Users.Role.class,
                Users.Disable.class,
                Users.Enable.class,
                Users.Password.class,
                Users.Token.class
            })
    static class Users implements Runnable {

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            throw new ParameterException(spec.commandLine(), "name a users command");
        }

        /** A password from standard input (one line) or asked twice on the terminal; null after saying why. */
        static String password(boolean stdin, String prompt) {
            if (stdin) {
                try {
                    String line = new java.io.BufferedReader(
                                    new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8))
                            .readLine();
                    return line == null || line.isEmpty() ? null : line;
                } catch (IOException e) {
                    return null;
                }
            }
            java.io.Console console = System.console();
            if (console == null) {
                System.err.println("no terminal to ask the password on: use --password-stdin");
                return null;
            }
            char[] first = console.readPassword(prompt);
            char[] again = console.readPassword("Again: ");
            if (first == null || !java.util.Arrays.equals(first, again)) {
                System.err.println("the two passwords differ");
                return null;
            }
            return new String(first);
        }

        @Command(name = "list", description = "The accounts with their roles")
        static class ListAll extends Server implements Callable<Integer> {
            @Override
            public Integer call() {
                return call("GET", "/api/v1/users", null);
            }
        }

        @Command(name = "add", description = "Create an account; its first password is asked (or read from stdin)")
        static class Add extends Server implements Callable<Integer> {
            @Parameters(index = "0", description = "user name (a-z 0-9 . _ -)")
            String username;

            @Option(names = "--role", required = true, description = "admin, data-manager, lab-assistant or monitor")
            String role;

            @Option(names = "--display-name", description = "full name (default: the user name)")
            String displayName;

            @Option(names = "--password-stdin", description = "read the password from standard input")
            boolean stdin;

            @Override
            public Integer call() {
                String password = password(stdin, "Password for " + username + ": ");
                if (password == null) {
                    return 2;
                }
                return call(
                        "POST",
                        "/api/v1/users",
                        JSON.createObjectNode()
                                .put("username", username)
                                .put("displayName", displayName == null ? username : displayName)
                                .put("role", role)
                                .put("password", password)
                                .toString());
            }
        }

        @Command(name = "role", description = "Give an account another role")
        static class Role extends Server implements Callable<Integer> {
            @Parameters(index = "0", description = "user name")
            String username;

            @Parameters(index = "1", description = "admin, data-manager, lab-assistant or monitor")
            String role;

            @Override
            public Integer call() {
                return call(
                        "PUT",
                        "/api/v1/users/" + pathId(username) + "/role",
                        JSON.createObjectNode().put("role", role).toString());
            }
        }

        @Command(name = "disable", description = "Disable an account: its sessions and tokens end now")
        static class Disable extends Server implements Callable<Integer> {
            @Parameters(index = "0", description = "user name")
            String username;

            @Override
            public Integer call() {
                return call("POST", "/api/v1/users/" + pathId(username) + "/disable", null);
            }
        }

        @Command(name = "enable", description = "Enable an account again")
        static class Enable extends Server implements Callable<Integer> {
            @Parameters(index = "0", description = "user name")
            String username;

            @Override
            public Integer call() {
                return call("POST", "/api/v1/users/" + pathId(username) + "/enable", null);
            }
        }

        @Command(name = "password", description = "Set a new password for someone who forgot theirs")
        static class Password extends Server implements Callable<Integer> {
            @Parameters(index = "0", description = "user name")
            String username;

            @Option(names = "--password-stdin", description = "read the password from standard input")
            boolean stdin;

            @Override
            public Integer call() {
                String password = password(stdin, "New password for " + username + ": ");
                if (password == null) {
                    return 2;
                }
                return call(
                        "PUT",
                        "/api/v1/users/" + pathId(username) + "/password",
                        JSON.createObjectNode().put("password", password).toString());
            }
        }

        @Command(
                name = "token",
                description = "Log in with your password and print an API token for the CLI (export SYNC_SERVER_TOKEN)")
        static class Token extends Server implements Callable<Integer> {
            @Parameters(index = "0", description = "your user name")
            String username;

            @Option(names = "--label", description = "what it is for (default: CLI)")
            String label = "CLI";

            @Option(names = "--password-stdin", description = "read the password from standard input")
            boolean stdin;

            @Override
            public Integer call() throws IOException, InterruptedException {
                String password = password(stdin, "Password: ");
                if (password == null) {
                    return 2;
                }
                HttpResponse<String> login = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(url + "/api/v1/session"))
                                        .timeout(Duration.ofMinutes(1))
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode()
                                                .put("username", username)
                                                .put("password", password)
                                                .toString()))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                String session = login.headers().allValues("Set-Cookie").stream()
                        .filter(c -> c.startsWith("collect_session="))
                        .map(c -> c.substring("collect_session=".length(), c.indexOf(';')))
                        .findFirst()
                        .orElse(null);
                if (login.statusCode() != 200 || session == null) {
                    System.err.println(login.body());
                    return 1;
                }
                int code = send(
                        "POST",
                        "/api/v1/session/tokens",
                        JSON.createObjectNode().put("label", label).toString(),
                        session);
                send("DELETE", "/api/v1/session", null, session);
                return code;
            }
        }
    }

    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description = "A model's applied records (or their audit history) as CSV or JSON lines, streamed to a file "
                    + "or standard output")
    static class ExportCommand extends Server implements Callable<Integer> {
        @Parameters(index = "0", description = "the model, e.g. study.subject_visit")
        String model;

        @Option(names = "--format", description = "csv (default) or jsonl")
        String format = "csv";

        @Option(names = "--site", description = "records at home in this site")
        String site;

        @Option(names = "--from", description = "created on or after this day (UTC), 2026-12-01")
        String from;

        @Option(names = "--to", description = "created on or before this day (UTC)")
        String to;

        @Option(names = "--changed-since", description = "with a change applied at or after this date or instant")
        String changedSince;

        @Option(names = "--history", description = "the audit history of those records instead")
        boolean history;

        @Option(names = "--out", description = "the file to write (default: standard output)")
        Path out;

        @Override
        public Integer call() throws IOException, InterruptedException {
            String token = token();
            if (token == null) {
                return 2;
            }
            StringBuilder query = new StringBuilder("?format=").append(encode(format));
            for (String[] p :
                    new String[][] {{"site", site}, {"from", from}, {"to", to}, {"changedSince", changedSince}}) {
                if (p[1] != null) {
                    query.append('&').append(p[0]).append('=').append(encode(p[1]));
                }
            }
            HttpResponse<java.io.InputStream> response = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .version(HttpClient.Version.HTTP_1_1) // a long stream: no h2c upgrade (its streams get reset)
                    .build()
                    .send(
                            HttpRequest.newBuilder(URI.create(url + "/api/v1/exports/" + encode(model)
                                            + (history ? "/history" : "") + query))
                                    .header("Authorization", "Bearer " + token)
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    System.err.println(new String(body.readAllBytes(), StandardCharsets.UTF_8));
                    return 1;
                }
                if (out == null) {
                    body.transferTo(System.out);
                    System.out.flush();
                } else {
                    long bytes = java.nio.file.Files.copy(body, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    System.err.println("wrote " + bytes + " bytes to " + out);
                }
            }
            return 0;
        }

        private static String encode(String value) {
            return URLEncoder.encode(value, StandardCharsets.UTF_8);
        }
    }
}
