package org.postern.config;

import static java.util.Objects.requireNonNull;
import static org.postern.config.Checks.orDefault;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The whole configuration file ({@code /etc/postern/postern.yml}), as {@link ConfigLoader} reads it. Immutable.
 *
 * <p>A null component means its default, so {@code ConfigLoader.defaults()} is what an empty file gives. No component
 * is null after construction.
 *
 * @param milter     the milter listener; YAML {@code milter}
 * @param stateDir   directory of the embedded stores (Bayes tokens, greylist, history); an absolute path; YAML
 *                   {@code state_dir}, default {@code /var/lib/postern}
 * @param authservId the authserv-id of {@code Authentication-Results} headers (RFC 8601 §2.5), an RFC 2045 token
 *                   such as {@code mx.example.com}; YAML {@code authserv_id}; empty (the default) means the daemon
 *                   uses the host name
 * @param outgoing   how outgoing mail is recognised; YAML {@code outgoing}
 * @param scan       time budgets per SMTP stage; YAML {@code scan}
 * @param actions    score thresholds and replies; YAML {@code actions}
 * @param headers    headers added and removed; YAML {@code headers}
 * @param symbols    result kind id (lower-case words joined by dots, such as {@code lists.temperror}) → symbol name,
 *                   score and description; YAML {@code symbols}. The given entries replace the built-in entries with
 *                   the same id, and the other built-in entries stay, so this map always holds every built-in id;
 *                   sorted by id. Which ids exist is checked by the daemon, which knows the checks.
 * @param lists      local allow/block list entries, in file order; YAML {@code lists}, default empty
 * @throws IllegalArgumentException if a value breaks a rule; the message names the YAML key
 */
public record PosternConfig(MilterConfig milter, Path stateDir, Optional<String> authservId, OutgoingConfig outgoing,
        ScanConfig scan, ActionsConfig actions, HeadersConfig headers, Map<String, SymbolConfig> symbols,
        List<ListEntry> lists) {

    /** The symbols every configuration has, which {@code symbols} entries may override. */
    static final Map<String, SymbolConfig> BUILT_IN_SYMBOLS = Map.of(
            "lists.temperror",
            new SymbolConfig("LOCAL_LISTS_TEMPERROR", 0.0, "local allow/block lists could not be evaluated"));

    private static final Pattern RESULT_KIND = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_]+)*");
    // RFC 2045 §5.1 token: printable US-ASCII except space and tspecials ()<>@,;:\"/[]?=
    private static final Pattern TOKEN = Pattern.compile("[!#-'*+\\-.0-9A-Z^-~]+");

    // Last: the constructor it calls reads the constants above.
    static final PosternConfig DEFAULTS = new PosternConfig(null, null, null, null, null, null, null, null, null);

    public PosternConfig {
        milter = orDefault(milter, MilterConfig.DEFAULTS);
        stateDir = orDefault(stateDir, Path.of("/var/lib/postern"));
        if (!stateDir.isAbsolute()) {
            throw InvalidValueException.ofKey("state_dir", "must be an absolute path such as /var/lib/postern, not "
                    + Checks.quote(stateDir.toString()));
        }
        authservId = orDefault(authservId, Optional.empty());
        if (authservId.isPresent() && !TOKEN.matcher(authservId.get()).matches()) {
            throw InvalidValueException.ofKey("authserv_id", "must be a name such as mx.example.com without spaces"
                    + " or any of ()<>@,;:\\\"/[]?= (RFC 8601 §2.5), not " + Checks.quote(authservId.get()));
        }
        outgoing = orDefault(outgoing, OutgoingConfig.DEFAULTS);
        scan = orDefault(scan, ScanConfig.DEFAULTS);
        actions = orDefault(actions, ActionsConfig.DEFAULTS);
        headers = orDefault(headers, HeadersConfig.DEFAULTS);
        symbols = mergeSymbols(orDefault(symbols, Map.of()));
        lists = Checks.listOf("lists", orDefault(lists, List.of()));
    }

    /**
     * This configuration with another state directory, for a command-line override.
     *
     * @throws IllegalArgumentException if {@code stateDir} is not absolute
     */
    public PosternConfig withStateDir(Path stateDir) {
        return new PosternConfig(milter, requireNonNull(stateDir, "stateDir"), authservId, outgoing, scan, actions,
                headers, symbols, lists);
    }

    /** This configuration with another milter listen address, for a command-line override. */
    public PosternConfig withListen(HostPort listen) {
        var m = new MilterConfig(requireNonNull(listen, "listen"), milter.maxFrameBytes(), milter.progressInterval(),
                milter.negotiationTimeout(), milter.maxConnections());
        return new PosternConfig(m, stateDir, authservId, outgoing, scan, actions, headers, symbols, lists);
    }

    private static Map<String, SymbolConfig> mergeSymbols(Map<String, SymbolConfig> given) {
        var merged = new TreeMap<>(BUILT_IN_SYMBOLS);
        for (var e : given.entrySet()) {
            if (e.getKey() == null || !RESULT_KIND.matcher(e.getKey()).matches()) {
                String key = String.valueOf(e.getKey());
                throw new InvalidValueException(List.of("symbols", key), "is not a result kind id: use lower-case"
                        + " words joined by dots, such as lists.temperror", List.of("symbols", key), true);
            }
            if (e.getValue() == null) {
                throw new InvalidValueException(List.of("symbols", e.getKey()), "must not be empty",
                        List.of("symbols", e.getKey()), false);
            }
            merged.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(merged);
    }
}
