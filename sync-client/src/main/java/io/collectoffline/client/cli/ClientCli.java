package io.collectoffline.client.cli;

import io.collectoffline.shipping.FileCommand;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar sync-client/target/quarkus-app/quarkus-run.jar files <export|receipt FILE|status>}: asks the
 * laptop app running on this machine ({@code --url}, default {@code SYNC_CLIENT_URL} or
 * {@code http://127.0.0.1:8081}) to export its pending outbox to a file or to take a server's receipt back.
 */
@Command(
        name = "sync-client",
        mixinStandardHelpOptions = true,
        subcommands = ClientCli.Files.class,
        description = "Commands against the laptop app running on this machine")
public final class ClientCli {

    /** First arguments that run the CLI instead of the app. */
    public static final List<String> COMMANDS = List.of("files");

    private ClientCli() {}

    public static int run(String... args) {
        return new CommandLine(new ClientCli()).execute(args);
    }

    @Command(
            name = "files",
            mixinStandardHelpOptions = true,
            description = "export: the pending outbox to a file for a USB stick; receipt FILE: take the server's "
                    + "receipt back; status: this laptop's export files",
            subcommands = {FileCommand.Export.class, FileCommand.Receipt.class, FileCommand.Status.class})
    static class Files implements FileCommand.Node, Runnable {

        @Spec
        CommandSpec spec;

        @Override
        public String defaultUrl() {
            return System.getenv().getOrDefault("SYNC_CLIENT_URL", "http://127.0.0.1:8081");
        }

        @Override
        public String token() {
            return null; // the laptop's API answers on 127.0.0.1 without a token
        }

        @Override
        public void run() {
            throw new ParameterException(spec.commandLine(), "files: export, receipt FILE or status");
        }
    }
}
