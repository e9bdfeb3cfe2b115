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
 *                   sorted by id. An id that is not built in is an error: the built-in map lists every result
 *                   kind the daemon's checks produce.
 * @param lists      local allow/block list entries, in file order; YAML {@code lists}, default empty
 * @param dns        the DNS resolver the checks share; YAML {@code dns}
 * @param spf        SPF on incoming mail; YAML {@code spf}
 * @param rbl        DNS blocklists; YAML {@code rbl}
 * @param greylist   greylisting; YAML {@code greylist}
 * @param policy     per-recipient settings and how differing recipients are reconciled; YAML {@code policy}
 * @param dkim       DKIM verification and signing; YAML {@code dkim}
 * @param dmarc      DMARC; YAML {@code dmarc}
 * @param bayes      the Bayes classifier; YAML {@code bayes}
 * @throws IllegalArgumentException if a value breaks a rule; the message names the YAML key
 */
public record PosternConfig(MilterConfig milter, Path stateDir, Optional<String> authservId, OutgoingConfig outgoing,
        ScanConfig scan, ActionsConfig actions, HeadersConfig headers, Map<String, SymbolConfig> symbols,
        List<ListEntry> lists, DnsConfig dns, SpfConfig spf, RblConfig rbl, GreylistConfig greylist,
        PolicyConfig policy, DkimConfig dkim, DmarcConfig dmarc, BayesConfig bayes) {

    /**
     * The symbols every configuration has, which {@code symbols} entries may override: one entry per result kind that
     * a check produces. Scores follow rspamd's and SpamAssassin's long-tested defaults; DNS trouble scores 0, so a
     * broken resolver never turns mail into spam.
     */
    static final Map<String, SymbolConfig> BUILT_IN_SYMBOLS = Map.ofEntries(
            Map.entry("lists.temperror",
                    new SymbolConfig("LOCAL_LISTS_TEMPERROR", 0.0, "local allow/block lists could not be evaluated")),
            Map.entry("spf.pass", new SymbolConfig("SPF_PASS", -0.2, "SPF: the client may send for the domain")),
            Map.entry("spf.fail", new SymbolConfig("SPF_FAIL", 1.0, "SPF: the domain says the client may not send")),
            Map.entry("spf.softfail",
                    new SymbolConfig("SPF_SOFTFAIL", 0.5, "SPF: the domain says the client probably may not send")),
            Map.entry("spf.neutral", new SymbolConfig("SPF_NEUTRAL", 0.0, "SPF: the domain makes no assertion")),
            Map.entry("spf.none", new SymbolConfig("SPF_NONE", 0.0, "SPF: no record, or no domain to check")),
            Map.entry("spf.permerror", new SymbolConfig("SPF_PERMERROR", 0.0, "SPF: the domain's record is broken")),
            Map.entry("spf.temperror", new SymbolConfig("SPF_TEMPERROR", 0.0, "SPF: DNS failed or timed out")),
            Map.entry("rbl.temperror",
                    new SymbolConfig("RBL_TEMPERROR", 0.0, "a blocklist lookup failed or timed out")),
            Map.entry("rbl.broken", new SymbolConfig("RBL_BROKEN", 0.0,
                    "a blocklist refused the query or answered outside 127.0.0.0/8; see the list's counters")),
            Map.entry("rbl.unmapped", new SymbolConfig("RBL_LISTED_UNMAPPED", 0.0,
                    "a blocklist listed the client with a code no configured rule maps")),
            Map.entry("dkim.valid", new SymbolConfig("DKIM_VALID", -0.1, "DKIM: a signature verified")),
            Map.entry("dkim.invalid",
                    new SymbolConfig("DKIM_INVALID", 1.0, "DKIM: a signature did not verify or is not acceptable")),
            Map.entry("dkim.temperror",
                    new SymbolConfig("DKIM_TEMPERROR", 0.0, "DKIM: a key lookup failed or timed out")),
            Map.entry("dkim.none", new SymbolConfig("DKIM_NONE", 0.0, "DKIM: no signature, or a testing key")),
            Map.entry("dmarc.pass", new SymbolConfig("DMARC_PASS", -0.5, "DMARC: aligned SPF or DKIM")),
            Map.entry("dmarc.fail_reject",
                    new SymbolConfig("DMARC_FAIL_REJECT", 2.0, "DMARC fails and the domain asks to reject")),
            Map.entry("dmarc.fail_quarantine",
                    new SymbolConfig("DMARC_FAIL_QUARANTINE", 1.5, "DMARC fails and the domain asks to quarantine")),
            Map.entry("dmarc.fail_none",
                    new SymbolConfig("DMARC_FAIL_NONE", 0.1, "DMARC fails; the domain asks for nothing")),
            Map.entry("dmarc.none", new SymbolConfig("DMARC_NONE", 0.0, "DMARC: the domain publishes no policy")),
            Map.entry("dmarc.temperror", new SymbolConfig("DMARC_TEMPERROR", 0.0, "DMARC: DNS failed")),
            Map.entry("dmarc.permerror", new SymbolConfig("DMARC_PERMERROR", 0.5,
                    "DMARC: no single author domain (no From, several From fields or domains)")),
            // Bayes: the configured scores are the maxima; BayesConfig scales them with the classifier's confidence.
            Map.entry("bayes.spam", new SymbolConfig("BAYES_SPAM", 5.1,
                    "Bayes: this recipient's model (or the global one) says spam; the score grows with confidence")),
            Map.entry("bayes.ham", new SymbolConfig("BAYES_HAM", -3.0,
                    "Bayes: this recipient's model (or the global one) says ham; the score grows with confidence")),
            Map.entry("bayes.temperror", new SymbolConfig("BAYES_TEMPERROR", 0.0,
                    "Bayes: the token store failed or did not answer in time")),
            Map.entry("greylist.deferred",
                    new SymbolConfig("GREYLIST_DEFERRED", 0.0, "greylisting deferred the recipient")),
            Map.entry("greylist.passed",
                    new SymbolConfig("GREYLIST_PASSED", 0.0, "the recipient passed greylisting")),
            Map.entry("greylist.temperror", new SymbolConfig("GREYLIST_TEMPERROR", 0.0,
                    "the greylist store failed; the recipient was not deferred")));

    private static final Pattern RESULT_KIND = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_]+)*");
    // RFC 2045 §5.1 token: printable US-ASCII except space and tspecials ()<>@,;:\"/[]?=
    private static final Pattern TOKEN = Pattern.compile("[!#-'*+\\-.0-9A-Z^-~]+");

    // Last: the constructor it calls reads the constants above.
    static final PosternConfig DEFAULTS =
            new PosternConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                    null, null);

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
        dns = orDefault(dns, DnsConfig.DEFAULTS);
        spf = orDefault(spf, SpfConfig.DEFAULTS);
        rbl = orDefault(rbl, RblConfig.DEFAULTS);
        greylist = orDefault(greylist, GreylistConfig.DEFAULTS);
        policy = orDefault(policy, PolicyConfig.DEFAULTS);
        dkim = orDefault(dkim, DkimConfig.DEFAULTS);
        dmarc = orDefault(dmarc, DmarcConfig.DEFAULTS);
        bayes = orDefault(bayes, BayesConfig.DEFAULTS);
    }

    /**
     * This configuration with another state directory, for a command-line override.
     *
     * @throws IllegalArgumentException if {@code stateDir} is not absolute
     */
    public PosternConfig withStateDir(Path stateDir) {
        return new PosternConfig(milter, requireNonNull(stateDir, "stateDir"), authservId, outgoing, scan, actions,
                headers, symbols, lists, dns, spf, rbl, greylist, policy, dkim, dmarc, bayes);
    }

    /** This configuration with another milter listen address, for a command-line override. */
    public PosternConfig withListen(HostPort listen) {
        var m = new MilterConfig(requireNonNull(listen, "listen"), milter.maxFrameBytes(), milter.progressInterval(),
                milter.negotiationTimeout(), milter.maxConnections());
        return new PosternConfig(m, stateDir, authservId, outgoing, scan, actions, headers, symbols, lists, dns, spf,
                rbl, greylist, policy, dkim, dmarc, bayes);
    }

    private static Map<String, SymbolConfig> mergeSymbols(Map<String, SymbolConfig> given) {
        var merged = new TreeMap<>(BUILT_IN_SYMBOLS);
        for (var e : given.entrySet()) {
            if (e.getKey() == null || !RESULT_KIND.matcher(e.getKey()).matches()) {
                String key = String.valueOf(e.getKey());
                throw new InvalidValueException(List.of("symbols", key), "is not a result kind id: use lower-case"
                        + " words joined by dots, such as lists.temperror", List.of("symbols", key), true);
            }
            if (!BUILT_IN_SYMBOLS.containsKey(e.getKey())) {
                throw new InvalidValueException(List.of("symbols", e.getKey()), "is not a result kind any check"
                        + " produces; valid kinds: " + String.join(", ", new TreeMap<>(BUILT_IN_SYMBOLS).keySet()),
                        List.of("symbols", e.getKey()), true);
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
