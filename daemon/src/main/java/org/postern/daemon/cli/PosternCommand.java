package org.postern.daemon.cli;

import org.postern.daemon.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code postern}: the command line (DESIGN.md "Interfaces people touch"). {@code --help} and {@code --version} are
 * inherited, so {@code postern learn --help} works as {@code postern help learn} does.
 */
@Command(name = "postern", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        versionProvider = PosternCommand.VersionProvider.class,
        description = "Mail filter daemon for Postfix.",
        subcommands = {DaemonCommand.class, ConfigCommand.class, SpfCommand.class, DkimCommand.class,
                PostfixConfigCommand.class,
                LearnCommand.class, CheckCommand.class,
                CommandLine.HelpCommand.class})
public final class PosternCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; exit codes: 0 ok, 1 failure (bad configuration, cannot start), 2 usage. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new PosternCommand());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("postern: " + e.getMessage());
            return 1;
        });
        return cl;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {Version.CURRENT};
        }
    }
}
