package org.postern.daemon.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.postern.config.ConfigLoader;
import org.postern.config.PosternConfig;
import picocli.CommandLine.Option;

/** {@code --config} and {@code --state-dir}, taken by every subcommand (README "Configuration"). */
final class CommonOptions {

    /** Where the configuration lives unless {@code --config} says otherwise. */
    static final Path SYSTEM_CONFIG = Path.of("/etc/postern/postern.yml");

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (default: /etc/postern/postern.yml when it exists, else the built-in"
                    + " defaults).")
    Path config;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Directory for Postern's state, overriding state_dir from the configuration.")
    Path stateDir;

    /** The configuration file in force, if any: {@code --config}, else the system file when it exists. */
    Optional<Path> configFile() {
        if (config != null) {
            return Optional.of(config);
        }
        return Files.exists(SYSTEM_CONFIG) ? Optional.of(SYSTEM_CONFIG) : Optional.empty();
    }

    /**
     * Loads the configuration in force and applies {@code --state-dir}.
     *
     * @throws org.postern.config.ConfigException with {@code file:line:column: sentence}
     */
    PosternConfig load() {
        PosternConfig loaded = configFile().map(ConfigLoader::load).orElseGet(ConfigLoader::defaults);
        return stateDir == null ? loaded : loaded.withStateDir(stateDir.toAbsolutePath());
    }

    /** Where the configuration came from, for log lines. */
    String describeSource() {
        return configFile().map(Path::toString).orElse("built-in defaults");
    }
}
