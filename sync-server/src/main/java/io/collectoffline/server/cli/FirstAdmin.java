package io.collectoffline.server.cli;

import io.collectoffline.server.users.IssuedToken;
import io.collectoffline.server.users.UserRole;
import io.collectoffline.server.users.UserService;
import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * {@code users add-admin <name> [--display-name "…"] [--password-stdin]}: creates an admin account directly in the
 * server's database (the same configuration, migrations and checks as the server; no HTTP listener) and prints an API
 * token for the CLI, shown once. The way to make the first admin — there is no default account or password — and to
 * get back in when every admin has forgotten their password. Whoever can run it can read the database already. With
 * the embedded H2 database, stop the server first (the file is the server's while it runs); with PostgreSQL it can
 * run beside it.
 */
public class FirstAdmin implements QuarkusApplication {

    /** The arguments that start this instead of the server. */
    public static boolean wanted(String... args) {
        return args.length >= 2 && args[0].equals("users") && args[1].equals("add-admin");
    }

    /** Settings for a run that serves nothing and applies nothing (set before Quarkus starts). */
    public static void quietly() {
        System.setProperty("quarkus.http.host-enabled", "false");
        System.setProperty("sync.server.apply.enabled", "false");
        System.setProperty("quarkus.banner.enabled", "false");
        System.setProperty("quarkus.log.level", "WARN");
    }

    @Inject
    UserService users;

    @Override
    public int run(String... args) throws Exception {
        List<String> rest = Arrays.asList(args).subList(2, args.length);
        String username = null;
        String displayName = null;
        boolean stdin = false;
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            if (arg.equals("--password-stdin")) {
                stdin = true;
            } else if (arg.equals("--display-name") && i + 1 < rest.size()) {
                displayName = rest.get(++i);
            } else if (arg.equals("--help") || arg.equals("-h")) {
                System.out.println(usage());
                return 0;
            } else if (!arg.startsWith("-") && username == null) {
                username = arg;
            } else {
                System.err.println("unexpected argument " + arg + "\n" + usage());
                return 2;
            }
        }
        if (username == null) {
            System.err.println(usage());
            return 2;
        }
        String password = stdin ? fromStdin() : fromConsole();
        if (password == null) {
            return 2;
        }
        try {
            users.create(
                    new UserService.NewUser(
                            username, displayName == null ? username : displayName, UserRole.ADMIN.id(), password),
                    "cli:" + System.getProperty("user.name", "?"));
            IssuedToken token = users.issueApiToken(username, "CLI (users add-admin)", null, username);
            System.out.println("Admin '" + username + "' created. Log in on /admin with the password.");
            System.out.println("API token for the CLI (shown once; export SYNC_SERVER_TOKEN=…), valid until "
                    + token.expiresAt() + ":");
            System.out.println(token.token());
            return 0;
        } catch (io.collectoffline.protocol.InvalidInputException e) {
            System.err.println(e.getMessage() + ": "
                    + e.errors().stream()
                            .map(f -> f.field() + " " + f.message())
                            .toList());
            return 2;
        } catch (io.collectoffline.server.users.UserConflictException e) {
            System.err.println(e.getMessage() + " (an admin can reset its password: users password, or the page)");
            return 1;
        }
    }

    private static String fromStdin() throws java.io.IOException {
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) {
            System.err.println("no password on standard input");
            return null;
        }
        return line;
    }

    private static String fromConsole() {
        Console console = System.console();
        if (console == null) {
            System.err.println("no terminal to ask the password on: give it on standard input with --password-stdin");
            return null;
        }
        char[] first = console.readPassword("Password (at least 10 characters): ");
        char[] again = console.readPassword("Again: ");
        if (first == null || again == null || !Arrays.equals(first, again)) {
            System.err.println("the two passwords differ");
            return null;
        }
        return new String(first);
    }

    private static String usage() {
        return "usage: users add-admin <name> [--display-name \"Full Name\"] [--password-stdin]\n"
                + "  creates an admin account in the server's database and prints an API token for the CLI";
    }
}
