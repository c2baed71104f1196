package io.collectoffline.client.cli;

import io.collectoffline.shipping.FileCommand;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code java -jar sync-client/target/quarkus-app/quarkus-run.jar files <export|receipt FILE|status>}: asks the
 * laptop app running on this machine ({@code --url}, default {@code SYNC_CLIENT_URL} or
 * {@code http://127.0.0.1:8081}) to export its pending outbox to a file or to take a server's receipt back.
 */
@Command(name = "sync-client", mixinStandardHelpOptions = true, subcommands = ClientCli.Files.class,
        description = "Commands against the laptop app running on this machine")
public final class ClientCli {

    /** First arguments that run the CLI instead of the app. */
    public static final List<String> COMMANDS = List.of("files");

    private ClientCli() {
    }

    public static int run(String... args) {
        return new CommandLine(new ClientCli()).execute(args);
    }

    /** What {@code files} does. */
    enum Action {
        export, receipt, status
    }

    @Command(name = "files", mixinStandardHelpOptions = true,
            description = "export: the pending outbox to a file for a USB stick; receipt FILE: take the server's "
                    + "receipt back; status: this laptop's export files")
    static class Files implements Callable<Integer> {
        @Parameters(index = "0", description = "export, receipt or status")
        Action action;

        @Parameters(index = "1", arity = "0..1", description = "the receipt file")
        Path file;

        @Option(names = "--url", description = "the laptop app's base URL")
        String url;

        @Option(names = "--include-unconfirmed", description = "export: also what earlier files carried without a "
                + "receipt (a lost stick)")
        boolean unconfirmed;

        @Override
        public Integer call() {
            String base = url != null ? url : System.getenv().getOrDefault("SYNC_CLIENT_URL", "http://127.0.0.1:8081");
            FileCommand.Action what = switch (action) {
                case export -> FileCommand.Action.export;
                case receipt -> FileCommand.Action.receipt;
                case status -> FileCommand.Action.status;
            };
            return FileCommand.run(what, file, unconfirmed, URI.create(base), null, System.out, System.err);
        }
    }
}
