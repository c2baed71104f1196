package io.collectoffline.client;

import io.collectoffline.client.cli.ClientCli;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/** Starts the laptop app, or runs its CLI instead when given one of its commands ({@link ClientCli}). */
@QuarkusMain
public final class ClientMain {

    private ClientMain() {}

    public static void main(String... args) {
        if (args.length > 0 && ClientCli.COMMANDS.contains(args[0])) {
            System.exit(ClientCli.run(args));
        }
        Quarkus.run(args);
    }
}
