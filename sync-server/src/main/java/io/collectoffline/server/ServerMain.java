package io.collectoffline.server;

import io.collectoffline.server.files.FileCommand;
import io.collectoffline.server.keys.KeyCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts the server, or runs an admin command instead when given one: {@code keys …} (needs neither the database
 * nor a running server) or {@code files …} (asks the running server).
 */
@QuarkusMain
public final class ServerMain {

    private ServerMain() {
    }

    public static void main(String... args) {
        if (args.length > 0 && args[0].equals("keys")) {
            System.exit(KeyCommand.run(args, System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("files")) {
            System.exit(FileCommand.run(args, System.out, System.err));
        }
        Quarkus.run(args);
    }
}
