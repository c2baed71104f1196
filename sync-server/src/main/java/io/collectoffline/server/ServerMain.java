package io.collectoffline.server;

import io.collectoffline.server.cli.AdminCli;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts the server, or runs the admin CLI instead when given one of its commands ({@link AdminCli}).
 */
@QuarkusMain
public final class ServerMain {

    private ServerMain() {}

    public static void main(String... args) {
        if (args.length > 0 && AdminCli.COMMANDS.contains(args[0])) {
            System.exit(AdminCli.run(args));
        }
        Quarkus.run(args);
    }
}
