package io.collectoffline.server.cli;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * The server's admin CLI: {@code java -jar sync-server/target/quarkus-app/quarkus-run.jar <command>}. {@code keys}
 * works on the key folder directly; the others ask the running server over HTTP with the admin token
 * ({@code SYNC_SERVER_ADMIN_TOKEN}, {@code --url} or {@code SYNC_SERVER_URL}), so they take the same paths, checks
 * and locks as the API.
 */
@Command(name = "collect-offline-server", mixinStandardHelpOptions = true,
        description = "collect-offline server administration",
        subcommands = {AdminCli.Devices.class, AdminCli.Keys.class, AdminCli.Files.class, AdminCli.Status.class,
                AdminCli.Models.class})
public final class AdminCli {

    /** The subcommands this CLI answers (the first argument); anything else starts the server. */
    public static final List<String> COMMANDS = List.of("devices", "keys", "files", "status", "models", "--help",
            "-h", "--version", "-V");

    /** Runs the CLI and returns its exit code. */
    public static int run(String... args) {
        return new CommandLine(new AdminCli()).execute(args);
    }

    /** Where the running server is and the admin token. */
    static class Server {
        @Option(names = "--url", description = "server base URL (default: $SYNC_SERVER_URL or http://127.0.0.1:8080)")
        String url = System.getenv().getOrDefault("SYNC_SERVER_URL", "http://127.0.0.1:8080");

        int call(String method, String path, String json) {
            String token = System.getenv("SYNC_SERVER_ADMIN_TOKEN");
            if (token == null || token.isBlank()) {
                System.err.println("set SYNC_SERVER_ADMIN_TOKEN to the server's admin token");
                return 2;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                    .timeout(Duration.ofMinutes(5)).header("Authorization", "Bearer " + token)
                    .header("X-Collect-User", System.getProperty("user.name", "admin"));
            if (json != null) {
                request.header("Content-Type", "application/json");
            }
            request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
            try {
                HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                        .send(request.build(), HttpResponse.BodyHandlers.ofString());
                System.out.println(response.body());
                return response.statusCode() / 100 == 2 ? 0 : 1;
            } catch (IOException e) {
                System.err.println("the server at " + url + " could not be reached: " + e.getMessage());
                return 1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
    }

    @Command(name = "devices", mixinStandardHelpOptions = true, description = "Enrol, list and revoke devices",
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
                return call("POST", "/api/v1/devices", "{\"deviceId\":\"" + json(deviceId) + "\",\"role\":\""
                        + json(role) + "\"" + (site == null ? "" : ",\"site\":\"" + json(site) + "\"") + "}");
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
                return call("PUT", "/api/v1/devices/" + deviceId.replaceAll("[^A-Za-z0-9._-]", "") + "/site",
                        "-".equals(site) ? "{\"site\":null}" : "{\"site\":\"" + json(site) + "\"}");
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
                return call("POST", "/api/v1/devices/" + deviceId.replaceAll("[^A-Za-z0-9._-]", "") + "/revoke", null);
            }
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true,
            description = "Key pairs in the key folder: generate (rotate), list, current (public key JSON)")
    static class Keys implements Callable<Integer> {
        @Parameters(index = "0", description = "generate, list or current")
        String action;

        @Option(names = "--dir", description = "key folder (default: $SYNC_SERVER_KEYS_DIR or ./data/server/keys)")
        Path dir;

        @Override
        public Integer call() {
            List<String> args = new ArrayList<>(List.of("keys", action));
            if (dir != null) {
                args.addAll(List.of("--dir", dir.toString()));
            }
            return KeyCommand.run(args.toArray(String[]::new), System.out, System.err);
        }
    }

    @Command(name = "files", mixinStandardHelpOptions = true,
            description = "export; import FILE (with a progress bar); receipt FILE; status")
    static class Files implements Callable<Integer> {
        @Parameters(index = "0", description = "export, import, receipt or status")
        String action;

        @Parameters(index = "1", arity = "0..1", description = "the file to import, or the receipt")
        Path file;

        @Option(names = "--url", description = "server base URL")
        String url;

        @Option(names = "--include-unconfirmed", description = "export: also what earlier exports carried without "
                + "a receipt")
        boolean unconfirmed;

        @Override
        public Integer call() {
            FileCommand.Action what;
            switch (action) {
                case "export" -> what = FileCommand.Action.export;
                case "import" -> what = FileCommand.Action.importFile;
                case "receipt" -> what = FileCommand.Action.receipt;
                case "status" -> what = FileCommand.Action.status;
                default -> {
                    System.err.println("files: export, import FILE, receipt FILE or status, not '" + action + "'");
                    return 2;
                }
            }
            String token = System.getenv("SYNC_SERVER_ADMIN_TOKEN");
            if (token == null || token.isBlank()) {
                System.err.println("set SYNC_SERVER_ADMIN_TOKEN to the server's admin token");
                return 2;
            }
            String base = url != null ? url : System.getenv().getOrDefault("SYNC_SERVER_URL", "http://127.0.0.1:8080");
            return FileCommand.run(what, file, unconfirmed, URI.create(base), token, System.out, System.err);
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Counts per status, apply lag, per producer progress, transfer")
    static class Status extends Server implements Callable<Integer> {
        @Option(names = "--site", description = "only the producers of this site")
        String site;

        @Override
        public Integer call() {
            return call("GET", "/api/v1/status" + (site == null ? ""
                    : "?site=" + URLEncoder.encode(site, StandardCharsets.UTF_8)), null);
        }
    }

    @Command(name = "models", mixinStandardHelpOptions = true, description = "The offline models this server applies")
    static class Models implements Callable<Integer> {
        @Override
        public Integer call() {
            io.collectoffline.offline.OfflineModelRegistry registry = io.collectoffline.offline.OfflineModelRegistry
                    .of(io.collectoffline.offline.OfflineModelSet.discover());
            for (var model : registry.models()) {
                System.out.println(model.name() + "  table " + model.table() + "  natural key "
                        + model.naturalKey() + "  schema v" + model.schemaVersion()
                        + (model.references().isEmpty() ? "" : "  refers to " + model.references()));
            }
            return 0;
        }
    }

    private static String json(String value) {
        return value == null ? "" : value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
