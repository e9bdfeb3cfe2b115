package org.postern.daemon.pipeline;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postern.config.PosternConfig;

/**
 * Delivery-time classification for one user ({@code postern check --user}, DESIGN.md "Per-user Bayes with several
 * recipients"): when Dovecot's LMTP or Sieve delivers a message, it belongs to one user, so that user's Bayes verdict
 * can decide. The objective evidence is not evaluated again (the client, the envelope and DNS are gone by then): it is
 * carried over from the symbols header Postern wrote in the milter pass, without any Bayes symbol it lists (the
 * milter pass's Bayes symbol may be another recipient's, README "Bayes with several recipients"), and this user's
 * own Bayes symbol is added. The action follows the user's policy ({@code policy.recipients}, {@code actions}),
 * except that an action the milter pass forced (a local list {@code accept}, DMARC quarantine) stands, as it did
 * there.
 *
 * <p>The symbols header read is the last one: Postern appends its own below the fields the message arrived with, and
 * removes forged incoming copies unless {@code headers.remove_foreign_spam_headers} is off. It is carried over only
 * when its seal verifies ({@link SymbolsSeal}): a message without one, or with a header Postern did not write for it
 * (outgoing, passed while the daemon was down, forged, copied from another message) carries over nothing.
 *
 * <p>Runs on the calling thread (it reads the token store); thread-safe.
 */
public final class DeliveryCheck {

    /** {@code NAME(score)} at the start of a word of the symbols header, as {@link Symbol#describe()} writes it. */
    private static final Pattern SYMBOL =
            Pattern.compile("([A-Z][A-Z0-9_]*)\\((-?[0-9]+(?:\\.[0-9]+)?)\\)(?:\\{(.*)})?");

    private final PosternConfig config;
    private final RecipientPolicies policies;
    private final BayesGate bayes;
    private final HeaderEdits headerEdits;
    private final Set<String> bayesSymbolNames;
    private final SymbolsSeal seal;
    private final LocalListsCheck lists;

    private DeliveryCheck(PosternConfig config, BayesModels models, String authservId, String version,
                          SymbolsSeal seal) {
        this.config = config;
        this.seal = seal;
        this.policies = RecipientPolicies.of(config);
        this.lists = new LocalListsCheck(config.lists());
        this.bayes = new BayesGate(config.bayes(), config.symbols(), Optional.of(models), Runnable::run);
        this.headerEdits = new HeaderEdits(config.headers(), authservId, version, seal);
        Set<String> names = new HashSet<>();
        for (String kind : BayesGate.RESULT_KINDS) {
            names.add(config.symbols().get(kind).name());
        }
        this.bayesSymbolNames = Set.copyOf(names);
    }

    /**
     * @param models     the token store
     * @param hostName   the authserv-id when the configuration names none
     * @param version    for X-Spam-Status
     * @param seal       verifies the milter pass's symbols header ({@link SymbolsSeal#open})
     */
    public static DeliveryCheck create(PosternConfig config, BayesModels models, String hostName, String version,
                                       SymbolsSeal seal) {
        requireNonNull(config, "config");
        return new DeliveryCheck(config, requireNonNull(models, "models"), config.authservId().orElse(hostName),
                requireNonNull(version, "version"), requireNonNull(seal, "seal"));
    }

    /**
     * Classifies one message for one user.
     *
     * @param rawMessage the message as delivered (RFC 5322, CRLF or LF line ends)
     * @param recipient  the recipient address (mapped to a user key by {@code bayes.users}) or a user key; empty
     *                   for the global model
     * @throws org.postern.bayes.BayesStoreException when the store fails
     */
    public DeliveryVerdict check(byte[] rawMessage, String recipient) {
        ReceivedHeaders headers = headersOf(rawMessage);
        List<Symbol> symbols = new ArrayList<>(carriedOver(headers, rawMessage));
        withOwnRecipientEntries(symbols, recipient);
        RecipientBayes own = bayes.classifyNow(rawMessage, List.of(recipient),
                r -> config.bayes().enabled() && policies.bayesFor(r)).get(0);
        own.symbol().ifPresent(symbols::add);
        EffectivePolicy policy = policies.policyFor(recipient);
        MessageVerdict verdict = VerdictPolicy.decide(symbols, policy);
        List<ReceivedHeaders.Field> added = new ArrayList<>(headerEdits.verdictHeaders(verdict,
                policy.requiredScore()));
        if (verdict.action() == ActionKind.REWRITE_SUBJECT && !policy.subjectPrefix().isEmpty()) {
            added.add(new ReceivedHeaders.Field("Subject", HeaderEdits.prefixedSubject(headers,
                    policy.subjectPrefix())));
        }
        return new DeliveryVerdict(verdict.action(), verdict.score(), own, symbols, added);
    }

    /**
     * The symbols of the milter pass's symbols header (the last one) when its seal verifies, without Bayes symbols.
     * The action a local list entry or DMARC forced there ({@code forced=}) stands over this user's score as it did
     * there ({@link ActionPolicy}): the header names the action, not the symbol that forced it, so the first symbol
     * carries it.
     */
    private List<Symbol> carriedOver(ReceivedHeaders headers, byte[] rawMessage) {
        ReceivedHeaders.Field last = null;
        for (ReceivedHeaders.Field f : headers.fields()) {
            if (f.name().equalsIgnoreCase(config.headers().symbolsHeader())) {
                last = f;
            }
        }
        if (last == null || !seal.present() || !seal.verifies(last.value(), headers, bodyDigest(rawMessage))) {
            return List.of();
        }
        List<Symbol> symbols = new ArrayList<>();
        Optional<ActionKind> forced = Optional.empty();
        for (String word : last.unfoldedValue().split("\\s+")) {
            String w = word.endsWith(",") || word.endsWith(";") ? word.substring(0, word.length() - 1) : word;
            if (w.startsWith(HeaderEdits.FORCED)) {
                forced = actionNamed(w.substring(HeaderEdits.FORCED.length()));
                continue;
            }
            Matcher m = SYMBOL.matcher(w);
            if (!m.matches() || bayesSymbolNames.contains(m.group(1)) || m.group(1).startsWith("BAYES_")) {
                continue;  // score=, action=, and Bayes: this user's own verdict replaces the milter pass's
            }
            double value = Double.parseDouble(m.group(2));
            if (Double.isFinite(value)) {
                symbols.add(Symbol.scored(m.group(1), value, m.group(3) == null ? "" : m.group(3), false));
            }
        }
        if (forced.isPresent() && !symbols.isEmpty()) {
            Symbol first = symbols.get(0);
            symbols.set(0, new Symbol(first.name(), first.score(), first.reason(), forced, Optional.empty(), false));
        }
        return symbols;
    }

    /**
     * Puts this user's own recipient list entries ({@code lists: match: recipient}) in force. The milter pass applied
     * a recipient's {@code accept} only when every recipient had one (VerdictPolicy), and wrote it without its forced
     * action otherwise; at delivery the message is this recipient's alone, so its entry is taken as configured: the
     * carried-over symbol of the same entry (same name and value) gets the entry's forced action, or the entry's
     * symbol is added when none was carried over (no seal). A forced action the carried symbol already holds (the
     * milter pass's, {@link #carriedOver}) is kept: the most severe one decides.
     */
    private void withOwnRecipientEntries(List<Symbol> symbols, String recipient) {
        for (Symbol own : lists.recipientHits(recipient)) {
            int same = -1;
            for (int i = 0; i < symbols.size() && same < 0; i++) {
                if (symbols.get(i).name().equals(own.name()) && symbols.get(i).reason().equals(own.reason())) {
                    same = i;
                }
            }
            if (same < 0) {
                symbols.add(own);
            } else if (own.forced().isPresent()) {
                Symbol carried = symbols.get(same);
                ActionKind forced = carried.forced().filter(c -> c.compareTo(own.forced().get()) < 0)
                        .orElse(own.forced().get());
                symbols.set(same, new Symbol(carried.name(), carried.score(), carried.reason(), Optional.of(forced),
                        Optional.empty(), false));
            }
        }
    }

    /** The action of a {@link ActionKind#logName()}; empty for a name this version does not know. */
    private static Optional<ActionKind> actionNamed(String logName) {
        for (ActionKind kind : ActionKind.values()) {
            if (kind.logName().equals(logName)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    /** The header fields of a raw message (up to the first empty line), values with their leading space. */
    public static ReceivedHeaders headersOf(byte[] rawMessage) {
        // Only the header is decoded and split: the body may be megabytes, and Bayes reads it on its own.
        String text = new String(rawMessage, 0, headerLength(rawMessage), StandardCharsets.ISO_8859_1);
        List<ReceivedHeaders.Field> fields = new ArrayList<>();
        String name = null;
        StringBuilder value = new StringBuilder();
        for (String line : text.split("\r?\n", -1)) {
            if (line.isEmpty()) {
                break;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
                value.append('\n').append(line);  // RFC 5322 §2.2.3 folding, kept as the milter sees it
                continue;
            }
            if (name != null) {
                fields.add(new ReceivedHeaders.Field(name, value.toString()));
            }
            int colon = line.indexOf(':');
            name = colon > 0 ? line.substring(0, colon).strip() : null;
            value.setLength(0);
            if (colon > 0) {
                value.append(line.substring(colon + 1));
            }
        }
        if (name != null) {
            fields.add(new ReceivedHeaders.Field(name, value.toString()));
        }
        return ReceivedHeaders.of(fields);
    }

    /** The {@link BodyDigest} of a raw message's body: what follows the empty line that ends the header. */
    public static String bodyDigest(byte[] rawMessage) {
        int end = headerLength(rawMessage);
        int body = end >= rawMessage.length ? end : end + (rawMessage[end] == '\r' ? 2 : 1);
        BodyDigest digest = new BodyDigest();
        digest.update(rawMessage, Math.min(body, rawMessage.length), rawMessage.length);
        return digest.finish();
    }

    /** Where the first empty line (LF or CRLF) starts: the length of the header; the whole message if none. */
    private static int headerLength(byte[] m) {
        int line = 0;
        while (line < m.length) {
            if (m[line] == '\n' || (m[line] == '\r' && line + 1 < m.length && m[line + 1] == '\n')) {
                return line;
            }
            int end = line;
            while (end < m.length && m[end] != '\n') {
                end++;
            }
            line = end + 1;
        }
        return m.length;
    }
}
