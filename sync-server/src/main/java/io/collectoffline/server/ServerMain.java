package io.collectoffline.server;

import io.collectoffline.server.cli.AdminCli;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts the server, or runs the admin CLI instead when given one of its commands ({@link AdminCli}), or creates an
 * admin account in the database ({@link io.collectoffline.server.cli.FirstAdmin}).
 */
@QuarkusMain
public final class ServerMain {

    private ServerMain() {}

    public static void main(String... args) {
        if (io.collectoffline.server.cli.FirstAdmin.wanted(args)) {
            io.collectoffline.server.cli.FirstAdmin.quietly();
            Quarkus.run(io.collectoffline.server.cli.FirstAdmin.class, args);
            return;
        }
        if (args.length > 0 && AdminCli.COMMANDS.contains(args[0])) {
            System.exit(AdminCli.run(args));
        }
        Quarkus.run(args);
    }
}
