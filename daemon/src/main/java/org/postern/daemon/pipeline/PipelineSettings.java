package org.postern.daemon.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.postern.config.ActionsConfig;
import org.postern.config.PolicyConflicts;
import org.postern.config.PosternConfig;
import org.postern.config.SymbolConfig;
import org.postern.dns.DnsResolver;
import org.postern.milter.SmtpReply;

/**
 * Everything a scan needs from one loaded configuration, compiled once: the checks, the symbol table, the action
 * thresholds, the replies. Immutable; a session keeps the settings it started with, so a reload (SIGHUP) affects new
 * sessions only.
 */
public final class PipelineSettings {

    final PosternConfig config;
    final List<Check> checks;
    final EffectivePolicy defaultPolicy;
    private final RecipientPolicies policies;
    final HeaderEdits headerEdits;
    final SmtpReply rejectReply;
    final SmtpReply softRejectReply;
    final SmtpReply greylistReply;
    final String version;
    final GreylistGate greylist;
    final BayesGate bayes;
    private final Map<String, SymbolConfig> symbols;

    private PipelineSettings(PosternConfig config, List<Check> checks, Map<String, SymbolConfig> symbols,
                             GreylistGate greylist, BayesGate bayes, String authservId, String version,
                             SymbolsSeal seal) {
        this.config = config;
        this.checks = List.copyOf(checks);
        this.symbols = Map.copyOf(symbols);
        this.greylist = greylist;
        this.bayes = bayes;
        this.version = version;
        ActionsConfig actions = config.actions();
        this.policies = RecipientPolicies.of(config);
        this.defaultPolicy = policies.defaultPolicy();
        this.rejectReply = ConfigValues.reply(actions.rejectReply());
        this.softRejectReply = ConfigValues.reply(actions.softRejectReply());
        this.greylistReply = ConfigValues.reply(actions.greylistReply());
        this.headerEdits = new HeaderEdits(config.headers(), authservId, version, seal);
        checkSymbolTable();
    }

    /**
     * Compiles a configuration.
     *
     * @param hostName the authserv-id to use when the configuration names none
     * @throws IllegalStateException when the built-in symbol table and the checks disagree (a bug)
     */
    public static PipelineSettings compile(PosternConfig config, PipelineResources resources, String hostName,
                                           String version) {
        return compile(config, resources, hostName, version, List.of(), Map.of());
    }

    /**
     * As {@link #compile(PosternConfig, PipelineResources, String, String)}, with more checks after the built-in ones
     * and the symbols of their result kinds (tests).
     */
    static PipelineSettings compile(PosternConfig config, PipelineResources resources, String hostName,
                                    String version, List<Check> extra, Map<String, SymbolConfig> extraSymbols) {
        DnsResolver dns = resources.dns();
        String authservId = config.authservId().orElse(hostName);
        Map<String, SymbolConfig> symbols = new java.util.HashMap<>(config.symbols());
        symbols.putAll(extraSymbols);
        SymbolTable table = new SymbolTable(symbols);
        List<Check> checks = new ArrayList<>();
        checks.add(new LocalListsCheck(config.lists()));
        checks.add(new RblPipelineCheck(dns, config.rbl().lists(), table::symbol));
        checks.add(new SpfPipelineCheck(dns, config.spf(), authservId, table::symbol));
        checks.add(new DkimPipelineCheck(dns, config.dkim(), config.dmarc(), table::symbol));
        checks.addAll(extra);
        GreylistGate greylist = new GreylistGate(resources.greylister().orElse(null), config.greylist(),
                resources.work(), symbols.get("spf.pass").name());
        BayesGate bayes = new BayesGate(config.bayes(), symbols, resources.bayes(), resources.work());
        return new PipelineSettings(config, checks, symbols, greylist, bayes, authservId, version,
                resources.seal());
    }

    /** Result kinds to configured symbols. */
    private record SymbolTable(Map<String, SymbolConfig> symbols) {
        /** The symbol of a result kind; scored, not forced, objective unless it reports an error. */
        Symbol symbol(String kind, String reason) {
            SymbolConfig sc = symbols.get(kind);
            if (sc == null) {
                throw new IllegalStateException("no symbol for result kind " + kind);
            }
            boolean error = kind.endsWith(".temperror") || kind.endsWith(".broken");
            return Symbol.scored(sc.name(), sc.score(), reason, !error);
        }
    }

    /** The symbol of a result kind that is not a check's (greylisting); scored, not objective. */
    Symbol symbol(String kind, String reason) {
        SymbolConfig sc = symbols.get(kind);
        return Symbol.scored(sc.name(), sc.score(), reason, false);
    }

    /** The temperror symbol of a check; never objective, so a failing check cannot reject mail. */
    Symbol temperror(String check, String reason) {
        SymbolConfig sc = symbols.get(check + ".temperror");
        return Symbol.scored(sc.name(), sc.score(), reason, false);
    }

    /** The policy of one recipient ({@link RecipientPolicies#policyFor}). */
    EffectivePolicy policyFor(String recipient) {
        return policies.policyFor(recipient);
    }

    /** Whether the Bayes classifier is used for a recipient ({@link RecipientPolicies#bayesFor}). */
    boolean bayesFor(String recipient) {
        return policies.bayesFor(recipient);
    }

    /** How recipients with differing policies are reconciled. */
    PolicyConflicts policyConflicts() {
        return config.policy().conflicts();
    }

    /**
     * STYLE.md "Symbols": startup fails on an unmapped result kind or a configured kind that no check produces. The
     * configuration already refuses kinds it does not know (with their position in the file) and maps every kind it
     * knows, so a failure here means the built-in symbol table and the checks disagree: our bug.
     */
    private void checkSymbolTable() {
        Set<String> produced = new TreeSet<>(GreylistGate.RESULT_KINDS);
        produced.addAll(BayesGate.RESULT_KINDS);
        for (Check c : checks) {
            produced.addAll(c.resultKinds());
            if (!c.resultKinds().contains(c.name() + ".temperror")) {
                throw new IllegalStateException("check " + c.name() + " declares no temperror result kind");
            }
        }
        for (String kind : produced) {
            if (!symbols.containsKey(kind)) {
                throw new IllegalStateException("result kind '" + kind + "' has no built-in symbol");
            }
        }
        for (String kind : new TreeSet<>(symbols.keySet())) {
            if (!produced.contains(kind)) {
                throw new IllegalStateException("built-in result kind '" + kind + "' is produced by no check");
            }
        }
    }
}
