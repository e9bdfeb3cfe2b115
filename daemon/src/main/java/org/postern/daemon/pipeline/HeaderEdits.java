package org.postern.daemon.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postern.config.HeadersConfig;
import org.postern.milter.MilterReply;
import org.postern.milter.MilterReply.Modification;

/**
 * The header changes Postern makes at end of message: delete forged copies of its own headers, add the
 * SpamAssassin-compatible {@code X-Spam-*} headers (so existing Sieve rules keep working), its symbols header, and
 * {@code Authentication-Results} (RFC 8601), and rewrite the Subject when the action says so.
 *
 * <p>Values are written with their leading space and folded with LF + TAB, because the pipeline negotiates
 * SMFIP_HDR_LEADSPC: Postfix then writes {@code Name:} followed by the value exactly as given (milter-protocol.md §7).
 */
final class HeaderEdits {

    /** Headers SpamAssassin writes that Sieve rules test; incoming copies are removed before ours are added. */
    static final List<String> SPAM_HEADERS =
            List.of("X-Spam-Flag", "X-Spam-Score", "X-Spam-Level", "X-Spam-Status");

    /** INSHEADER index 1: just below Postfix's own Received: header (milter-protocol.md §7), like a trace field. */
    private static final int BELOW_OUR_RECEIVED = 1;

    private static final int FOLD_AT = 76;

    /**
     * The symbols header's word for a forced action ({@code forced=no_action} for a local list {@code accept}),
     * after {@code score=} and {@code action=}; {@link DeliveryCheck} reads it back.
     */
    static final String FORCED = "forced=";

    private final HeadersConfig config;
    private final String authservId;
    private final String version;
    private final SymbolsSeal seal;

    /** Whether the symbols header is sealed, so the body must be digested ({@link BodyDigest}). */
    boolean sealing() {
        return seal.present();
    }

    HeaderEdits(HeadersConfig config, String authservId, String version, SymbolsSeal seal) {
        this.config = config;
        this.authservId = authservId;
        this.version = version;
        this.seal = seal;
    }

    /**
     * The edits for one message, in the order they must be sent.
     *
     * @param tagged        whether to add the spam and symbols headers (inbound mail that is delivered)
     * @param authResults   RFC 8601 resinfo entries; when {@code tagged} and enabled, an empty list gives {@code none}
     * @param traceHeaders  headers the checks want prepended when {@code tagged} (Received-SPF), values with their
     *                      leading space
     * @param signatures    DKIM-Signature values for the very top of the message (INSHEADER index 0, above
     *                      Postfix's own Received:), tagged or not
     * @param requiredScore the score at which mail counts as spam, for {@code required=} in X-Spam-Status
     * @param subjectPrefix the prefix to put before the Subject, or empty for none
     * @param autolearn     what autolearn did, for {@code autolearn=} in X-Spam-Status (SpamAssassin's words)
     * @param bodyDigest    the body's {@link BodyDigest}, for the seal of the symbols header
     */
    List<Modification> edits(ReceivedHeaders headers, MessageVerdict verdict, boolean tagged, List<String> authResults,
                             List<ReceivedHeaders.Field> traceHeaders, List<ReceivedHeaders.Field> signatures,
                             double requiredScore, String subjectPrefix, String autolearn, String bodyDigest) {
        List<Modification> edits = new ArrayList<>();
        // RFC 8601 §5: remove Authentication-Results fields that claim our authserv-id; anyone could have sent them.
        for (int index : headers.occurrencesHighestFirst("Authentication-Results",
                f -> AuthservId.claims(f.value(), authservId))) {
            edits.add(new MilterReply.ChangeHeader(index, "Authentication-Results", ""));
        }
        if (config.removeForeignSpamHeaders()) {
            List<String> ours = new ArrayList<>(SPAM_HEADERS);
            ours.add(config.symbolsHeader());
            for (String name : ours) {
                for (int index : headers.occurrencesHighestFirst(name, f -> true)) {
                    edits.add(new MilterReply.ChangeHeader(index, name, ""));
                }
            }
        }
        for (ReceivedHeaders.Field signature : signatures) {
            // The signer folded the value itself: it must be sent exactly as it was hashed (RFC 6376 §3.7).
            edits.add(new MilterReply.InsertHeader(0, signature.name(), signature.value()));
        }
        if (!tagged) {
            return edits;
        }
        // Inserted at the same index, the last one ends up on top: trace headers, then Authentication-Results.
        for (ReceivedHeaders.Field trace : traceHeaders) {
            // Folding at spaces is RFC 5322 §3.2.2 FWS wherever they stand (comments and quoted strings too).
            edits.add(new MilterReply.InsertHeader(BELOW_OUR_RECEIVED, trace.name(),
                    fold(trace.name(), List.of(trace.value().strip().split(" ")), ' ')));
        }
        if (config.authenticationResults()) {
            edits.add(new MilterReply.InsertHeader(BELOW_OUR_RECEIVED, "Authentication-Results",
                    authenticationResults(authResults)));
        }
        for (ReceivedHeaders.Field f : verdictHeaders(verdict, requiredScore, headers, bodyDigest, autolearn)) {
            edits.add(new MilterReply.AddHeader(f.name(), f.value()));
        }
        if (!subjectPrefix.isEmpty()) {
            edits.add(rewriteSubject(headers, subjectPrefix));
        }
        return edits;
    }

    /**
     * The verdict headers, in order: the {@code X-Spam-*} headers when enabled, then the symbols header (the score,
     * the action and every symbol with its score, which {@code postern check} reads back at delivery). Values with
     * their leading space, folded with LF + TAB.
     */
    List<ReceivedHeaders.Field> verdictHeaders(MessageVerdict verdict, double requiredScore) {
        return verdictHeaders(verdict, requiredScore, null, null, "disabled");    // at delivery nothing is learned
    }

    /** As above; with {@code sealFor}, the symbols header is sealed for the message with those fields and body. */
    private List<ReceivedHeaders.Field> verdictHeaders(MessageVerdict verdict, double requiredScore,
                                                       ReceivedHeaders sealFor, String bodyDigest, String autolearn) {
        List<ReceivedHeaders.Field> fields = new ArrayList<>();
        if (config.spamHeaders()) {
            boolean spam = verdict.action().marksSpam();
            fields.add(new ReceivedHeaders.Field("X-Spam-Flag", spam ? " YES" : " NO"));
            fields.add(new ReceivedHeaders.Field("X-Spam-Score", " " + oneDecimal(verdict.score())));
            fields.add(new ReceivedHeaders.Field("X-Spam-Level", " " + "*".repeat(stars(verdict.score()))));
            fields.add(new ReceivedHeaders.Field("X-Spam-Status", spamStatus(verdict, spam, requiredScore,
                    autolearn)));
        }
        fields.add(new ReceivedHeaders.Field(config.symbolsHeader(), symbolsHeader(verdict, sealFor, bodyDigest)));
        return fields;
    }

    /** The Subject with {@code prefix} put before it, or the prefix alone when there is none; leading space kept. */
    static String prefixedSubject(ReceivedHeaders headers, String prefix) {
        var subject = headers.first("Subject");
        if (subject.isEmpty()) {
            return " " + prefix.stripTrailing();
        }
        String value = subject.get().value();
        int lead = 0;
        while (lead < value.length() && (value.charAt(lead) == ' ' || value.charAt(lead) == '\t')) {
            lead++;
        }
        return (lead == 0 ? " " : value.substring(0, lead)) + prefix + value.substring(lead);
    }

    /**
     * The same edits for an MTA that did not agree to SMFIP_HDR_LEADSPC: it adds the space after the colon itself
     * (POSTFIX: milter8.c writes {@code Name: value}), so ours goes.
     */
    static List<Modification> withoutLeadingSpace(List<Modification> edits) {
        List<Modification> out = new ArrayList<>(edits.size());
        for (Modification m : edits) {
            if (m instanceof MilterReply.AddHeader a) {
                out.add(new MilterReply.AddHeader(a.name(), stripOneSpace(a.value())));
            } else if (m instanceof MilterReply.InsertHeader i) {
                out.add(new MilterReply.InsertHeader(i.index(), i.name(), stripOneSpace(i.value())));
            } else if (m instanceof MilterReply.ChangeHeader c) {
                out.add(new MilterReply.ChangeHeader(c.index(), c.name(), stripOneSpace(c.value())));
            } else {
                out.add(m);
            }
        }
        return out;
    }

    private static String stripOneSpace(String value) {
        return value.startsWith(" ") ? value.substring(1) : value;
    }

    /** RFC 8601 §2.2: {@code authserv-id; resinfo; resinfo} or {@code authserv-id; none}; one resinfo per line. */
    String authenticationResults(List<String> entries) {
        StringBuilder sb = new StringBuilder(" ").append(authservId).append(';');
        if (entries.isEmpty()) {
            return sb.append(" none").toString();
        }
        for (int i = 0; i < entries.size(); i++) {
            sb.append("\n\t").append(entries.get(i));
            if (i < entries.size() - 1) {
                sb.append(';');
            }
        }
        return sb.toString();
    }

    /** SpamAssassin's format: {@code Yes, score=7.0 required=6.0 tests=A,B autolearn=disabled version=...}. */
    private String spamStatus(MessageVerdict verdict, boolean spam, double requiredScore, String autolearn) {
        List<String> words = new ArrayList<>();
        words.add(spam ? "Yes," : "No,");
        words.add("score=" + oneDecimal(verdict.score()));
        words.add("required=" + oneDecimal(requiredScore));
        List<String> names = verdict.symbols().stream().map(Symbol::name).distinct().sorted().toList();
        words.add("tests=" + (names.isEmpty() ? "none" : String.join(",", names)));
        words.add("autolearn=" + autolearn);
        words.add("version=" + version.replace(' ', '-'));
        return fold("X-Spam-Status", words, ' ');
    }

    private String symbolsHeader(MessageVerdict verdict, ReceivedHeaders sealFor, String bodyDigest) {
        List<String> words = new ArrayList<>();
        words.add(String.format(Locale.ROOT, "score=%.2f", verdict.score()));
        words.add("action=" + verdict.action().logName());
        // The action a local list entry or DMARC forced, so that postern check keeps it (DeliveryCheck).
        ActionPolicy.forced(verdict.symbols()).ifPresent(forced -> words.add(FORCED + forced.logName()));
        List<Symbol> symbols = verdict.symbols();
        if (!symbols.isEmpty()) {
            words.set(words.size() - 1, words.get(words.size() - 1) + ";");
        }
        for (int i = 0; i < symbols.size(); i++) {
            words.add(headerSafe(symbols.get(i).describe()) + (i < symbols.size() - 1 ? "," : ""));
        }
        if (sealFor != null) {
            seal.word(String.join(" ", words), sealFor, bodyDigest).ifPresent(words::add);
        }
        return fold(config.symbolsHeader(), words, ' ');
    }

    private static MilterReply.Modification rewriteSubject(ReceivedHeaders headers, String prefix) {
        if (headers.first("Subject").isEmpty()) {
            return new MilterReply.AddHeader("Subject", prefixedSubject(headers, prefix));
        }
        // CHGHEADER index 1 = the first Subject the milter saw.
        return new MilterReply.ChangeHeader(1, "Subject", prefixedSubject(headers, prefix));
    }

    /** Joins words with spaces, folding (LF + TAB) before a word that would pass {@link #FOLD_AT} columns. */
    private static String fold(String name, List<String> words, char separator) {
        StringBuilder sb = new StringBuilder();
        int column = name.length() + 1;
        for (String word : words) {
            if (column + 1 + word.length() > FOLD_AT && column > name.length() + 1) {
                sb.append("\n\t");
                column = 8;
            } else {
                sb.append(separator);
                column++;
            }
            sb.append(word);
            column += word.length();
        }
        return sb.toString();
    }

    /** Reasons come from the network (a sender address, a HELO name): keep them printable ASCII without spaces. */
    private static String headerSafe(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c > 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }

    static String oneDecimal(double score) {
        return String.format(Locale.ROOT, "%.1f", score);
    }

    /** SpamAssassin's X-Spam-Level: one star per whole point, at most 50. */
    private static int stars(double score) {
        return (int) Math.max(0, Math.min(50, Math.floor(score)));
    }
}
