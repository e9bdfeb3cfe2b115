package org.postern.daemon.pipeline;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.postern.config.RblCheck;
import org.postern.config.RblCodeConfig;
import org.postern.config.RblListConfig;
import org.postern.config.ReplyText;
import org.postern.dns.DnsResolver;
import org.postern.milter.SmtpReply;
import org.postern.rbl.NameKind;
import org.postern.rbl.RblChecker;
import org.postern.rbl.RblList;
import org.postern.rbl.RblOutcome;
import org.postern.rbl.ReturnCodeRule;

/**
 * DNS blocklists in the pipeline: the client IP at CONNECT, the verified client name at CONNECT, the HELO name at
 * HELO, the sender domain at MAIL, every configured list in parallel (RFC 5782). A listing inserts the symbols its
 * return codes map to, with their configured scores, as objective evidence carrying the list's reply text, so a
 * high-confidence list can refuse at RCPT. Errors (refused queries, answers outside 127/8, timeouts) insert
 * {@code rbl.broken} or {@code rbl.temperror} symbols and never refuse. Lists are not asked about loopback, private
 * or link-local clients (they list none, and 127.0.0.2 is every list's test entry), nor for outgoing mail.
 */
final class RblPipelineCheck implements Check {

    private final RblChecker checker;
    private final Map<String, ReplyText> replies = new HashMap<>();
    private final Map<String, Double> scores = new HashMap<>();
    private final SymbolLookup symbols;
    private final boolean hasLists;

    /** Resolves result kinds ({@code rbl.temperror}) to configured symbols. */
    interface SymbolLookup {
        Symbol symbol(String kind, String reason);
    }

    /** @throws IllegalArgumentException naming the list when a code or reply template is invalid */
    RblPipelineCheck(DnsResolver dns, List<RblListConfig> lists, SymbolLookup symbols) {
        this.symbols = symbols;
        List<RblList> compiled = new ArrayList<>();
        for (RblListConfig l : lists) {
            List<ReturnCodeRule> rules = new ArrayList<>();
            for (RblCodeConfig c : l.codes()) {
                rules.add(ReturnCodeRule.parse(c.symbol(), c.code()));
                scores.merge(c.symbol(), c.score(), Math::max);
            }
            EnumSet<NameKind> names = EnumSet.noneOf(NameKind.class);
            for (RblCheck what : l.checks()) {
                switch (what) {
                    case HELO -> names.add(NameKind.HELO);
                    case SENDER_DOMAIN -> names.add(NameKind.SENDER_DOMAIN);
                    case CLIENT_NAME -> names.add(NameKind.CLIENT_NAME);
                    case IP -> { }
                }
            }
            try {
                compiled.add(new RblList(l.name(), l.zone(), l.key(), l.checks().contains(RblCheck.IP), names, rules,
                        Optional.of(l.reply().text())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("rbl.lists " + l.name() + ": " + e.getMessage(), e);
            }
            replies.put(l.name(), l.reply());
        }
        this.hasLists = !compiled.isEmpty();
        this.checker = RblChecker.create(dns, compiled);
    }

    @Override
    public String name() {
        return "rbl";
    }

    @Override
    public Set<String> resultKinds() {
        return Set.of("rbl.temperror", "rbl.broken", "rbl.unmapped");
    }

    @Override
    public boolean appliesToOutgoing() {
        return false;
    }

    @Override
    public CompletionStage<CheckResult> connect(ConnectionFacts connection) {
        if (!hasLists || connection.localSubmission() || connection.clientIp().isEmpty()
                || !isPublic(connection.clientIp().get())) {
            return NOTHING;
        }
        CompletionStage<List<RblOutcome>> ip = checker.checkIp(connection.clientIp().get());
        if (!connection.clientNameVerified() || connection.clientName().equalsIgnoreCase("unknown")) {
            return ip.thenApply(this::toResult);
        }
        CompletionStage<List<RblOutcome>> name = checker.checkName(connection.clientName(), NameKind.CLIENT_NAME);
        return ip.thenCombine(name, (a, b) -> {
            List<RblOutcome> all = new ArrayList<>(a);
            all.addAll(b);
            return toResult(all);
        });
    }

    @Override
    public CompletionStage<CheckResult> helo(ConnectionFacts connection) {
        if (!hasLists || connection.localSubmission() || connection.helo().isEmpty()) {
            return NOTHING;
        }
        return checker.checkName(connection.helo(), NameKind.HELO).thenApply(this::toResult);
    }

    @Override
    public CompletionStage<CheckResult> mail(ConnectionFacts connection, Envelope envelope) {
        if (!hasLists || envelope.outgoing() || envelope.senderDomain().isEmpty()) {
            return NOTHING;
        }
        return checker.checkName(envelope.senderDomain(), NameKind.SENDER_DOMAIN).thenApply(this::toResult);
    }

    private CheckResult toResult(List<RblOutcome> outcomes) {
        List<Symbol> found = new ArrayList<>();
        for (RblOutcome o : outcomes) {
            String where = o.list().name() + ":" + o.lookedUp();
            switch (o.kind()) {
                case LISTED -> {
                    RblOutcome.Listed listed = (RblOutcome.Listed) o;
                    Optional<SmtpReply> reply = Optional.of(reply(replies.get(o.list().name()), listed.replyText()));
                    for (String symbol : listed.symbols()) {
                        found.add(new Symbol(symbol, scores.getOrDefault(symbol, 0.0), where, Optional.empty(), reply,
                                true));
                    }
                }
                case LISTED_UNMAPPED -> found.add(symbols.symbol("rbl.unmapped", where));
                case FAILED -> {
                    RblOutcome.Failed failed = (RblOutcome.Failed) o;
                    boolean broken = failed.failure() == RblOutcome.FailureKind.REFUSED_OR_RATE_LIMITED
                            || failed.failure() == RblOutcome.FailureKind.OUTSIDE_LOOPBACK;
                    found.add(symbols.symbol(broken ? "rbl.broken" : "rbl.temperror",
                            where + ":" + failed.failure().name().toLowerCase(java.util.Locale.ROOT)));
                }
                case NOT_LISTED, SKIPPED -> { }
            }
        }
        return CheckResult.of(found);
    }

    /**
     * The list's configured code and enhanced status with the rendered text. A rendered text that starts with a digit
     * ({@code $client_address blocked}) gets the enhanced status 5.7.1 so Postfix does not misread it.
     */
    static SmtpReply reply(ReplyText configured, String renderedText) {
        Optional<String> status = configured.enhancedStatus().isEmpty()
                ? (renderedText.isEmpty() || !Character.isDigit(renderedText.charAt(0))
                        ? Optional.empty() : Optional.of(configured.code() / 100 + ".7.1"))
                : Optional.of(configured.enhancedStatus());
        return new SmtpReply(configured.code(), status, List.of(renderedText));
    }

    /** Blocklists list public addresses only; RFC 5782 §5: 127.0.0.2 is every list's test entry. */
    private static boolean isPublic(InetAddress ip) {
        return !(ip.isLoopbackAddress() || ip.isSiteLocalAddress() || ip.isLinkLocalAddress()
                || ip.isAnyLocalAddress() || ip.isMulticastAddress() || isUniqueLocalV6(ip));
    }

    /** RFC 4193 fc00::/7, which InetAddress.isSiteLocalAddress does not cover. */
    private static boolean isUniqueLocalV6(InetAddress ip) {
        byte[] b = ip.getAddress();
        return b.length == 16 && (b[0] & 0xfe) == 0xfc;
    }
}
