package org.postern.daemon.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.postern.config.Cidr;
import org.postern.config.ListEntry;
import org.postern.config.ListMatch;

/**
 * Local allow/block lists from configuration: client IP or network, HELO name, sender and recipient address or domain
 * (what Postfix admins do with {@code check_client_access}, {@code check_helo_access}, {@code check_sender_access} and
 * {@code check_recipient_access}). Each matching entry inserts its own symbol: its score, or the action it forces,
 * with its reply text. Entries are objective evidence, so they may decide at RCPT.
 *
 * <p>Matching is case-insensitive. Names and domains match as in Postfix's access maps with its default
 * {@code parent_domain_matches_subdomains}: {@code example.com} matches that name and every name below it,
 * {@code .example.com} only the names below it. Addresses: {@code user@example.com} matches that address.
 */
final class LocalListsCheck implements Check {

    static final String TEMPERROR = "lists.temperror";

    private final List<CompiledEntry> entries;

    LocalListsCheck(List<ListEntry> entries) {
        List<CompiledEntry> compiled = new ArrayList<>();
        for (ListEntry e : entries) {
            compiled.add(CompiledEntry.of(e));
        }
        this.entries = List.copyOf(compiled);
    }

    @Override
    public String name() {
        return "lists";
    }

    @Override
    public Set<String> resultKinds() {
        return Set.of(TEMPERROR);
    }

    @Override
    public CompletionStage<CheckResult> connect(ConnectionFacts connection) {
        return matching(ListMatch.CLIENT, e -> connection.clientIp().map(ip -> e.cidr().contains(ip)).orElse(false));
    }

    @Override
    public CompletionStage<CheckResult> helo(ConnectionFacts connection) {
        String helo = connection.helo().toLowerCase(Locale.ROOT);
        return matching(ListMatch.HELO, e -> nameMatches(e.value(), helo));
    }

    @Override
    public CompletionStage<CheckResult> mail(ConnectionFacts connection, Envelope envelope) {
        String sender = envelope.sender().toLowerCase(Locale.ROOT);
        return matching(ListMatch.SENDER, e -> addressMatches(e.value(), sender));
    }

    @Override
    public CompletionStage<CheckResult> rcpt(ConnectionFacts connection, Envelope envelope, String recipient) {
        return CompletableFuture.completedFuture(CheckResult.of(recipientHits(recipient)));
    }

    /** The symbols of the entries that match a recipient address; also for {@link DeliveryCheck}. */
    List<Symbol> recipientHits(String recipient) {
        String rcpt = recipient.toLowerCase(Locale.ROOT);
        return hits(ListMatch.RECIPIENT, e -> addressMatches(e.value(), rcpt));
    }

    private CompletionStage<CheckResult> matching(ListMatch kind, java.util.function.Predicate<CompiledEntry> test) {
        return CompletableFuture.completedFuture(CheckResult.of(hits(kind, test)));
    }

    private List<Symbol> hits(ListMatch kind, java.util.function.Predicate<CompiledEntry> test) {
        List<Symbol> hits = new ArrayList<>();
        for (CompiledEntry e : entries) {
            if (e.match() == kind && test.test(e)) {
                hits.add(e.symbol());
            }
        }
        return hits;
    }

    /** {@code example.com}: that name and the names below it; {@code .example.com}: only the names below it. */
    static boolean nameMatches(String pattern, String name) {
        if (name.isEmpty()) {
            return false;
        }
        if (pattern.startsWith(".")) {
            return name.endsWith(pattern) && name.length() > pattern.length();
        }
        return name.equals(pattern) || name.endsWith("." + pattern);
    }

    /** An address pattern ({@code a@b}) matches that address; a domain pattern matches the address's domain. */
    static boolean addressMatches(String pattern, String address) {
        if (address.isEmpty()) {
            return false;
        }
        if (pattern.indexOf('@') >= 0) {
            return pattern.equals(address);
        }
        return nameMatches(pattern, Envelope.domainOf(address));
    }

    /** A list entry ready to match: value lower-cased, client network parsed, symbol built once. */
    private record CompiledEntry(ListMatch match, String value, Cidr cidr, Symbol symbol) {

        static CompiledEntry of(ListEntry e) {
            Cidr cidr = e.match() == ListMatch.CLIENT ? Cidr.parse(e.value()) : null;
            Optional<ActionKind> forced = e.action().map(ConfigValues::action);
            double score = e.score().isPresent() ? e.score().getAsDouble() : 0.0;
            Symbol symbol = new Symbol(e.symbolName(), score, e.value(), forced, e.reply().map(ConfigValues::reply), true);
            return new CompiledEntry(e.match(), e.value().toLowerCase(Locale.ROOT), cidr, symbol);
        }
    }
}
