package org.postern.daemon.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.postern.config.ConfigException;
import org.postern.config.ConfigLoader;
import org.postern.config.PosternConfig;
import org.postern.daemon.DnsSetup;
import org.postern.daemon.HostName;
import org.postern.daemon.Version;
import org.postern.daemon.pipeline.PipelineResources;
import org.postern.daemon.pipeline.PipelineSettings;
import org.postern.dns.DnsResolver;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code postern config check [FILE]}: validates a configuration the way the daemon would load it. */
@Command(name = "config", description = "Work with the configuration file.",
        subcommands = {ConfigCommand.Check.class})
final class ConfigCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: check");
    }

    @Command(name = "check", description = "Check a configuration file: syntax, keys, types, ranges, symbols."
            + " Prints 'FILE: OK' or 'FILE:LINE:COLUMN: problem' and exits 0 or 1.")
    static final class Check implements Callable<Integer> {

        @Mixin
        CommonOptions common;

        @Parameters(arity = "0..1", paramLabel = "FILE",
                description = "The file to check (default: the one --config or /etc/postern/postern.yml names).")
        Path file;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Path target = file != null ? file : common.configFile().orElse(null);
            if (target == null) {
                spec.commandLine().getOut().println("no configuration file given and "
                        + CommonOptions.SYSTEM_CONFIG + " does not exist: the built-in defaults apply");
                return 0;
            }
            try {
                PosternConfig config = ConfigLoader.load(target);
                try (DnsResolver dns = DnsSetup.resolver(config.dns())) {  // sends nothing; the checks need one
                    PipelineSettings.compile(config, new PipelineResources(dns, Optional.empty(), Runnable::run),
                            HostName.local(), Version.CURRENT);
                }
            } catch (ConfigException | IllegalArgumentException e) {
                spec.commandLine().getErr().println(e instanceof ConfigException ? e.getMessage() : target + ": " + e.getMessage());
                return 1;
            }
            spec.commandLine().getOut().println(target + ": OK");
            return 0;
        }
    }
}
