package org.postern.daemon.pipeline;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.postern.config.Cidr;
import org.postern.config.GreylistConfig;
import org.postern.config.GreylistMode;
import org.postern.greylist.GreylistDecision;
import org.postern.greylist.GreylistRequest;
import org.postern.greylist.Greylister;

/**
 * When greylisting applies, and asking the greylister off the event loop (its store does disk I/O).
 *
 * <p>Never greylisted: outgoing mail, local submissions and loopback clients, {@code greylist.networks}, verified
 * client names on {@code greylist.allowlist_clients}, mail whose SPF passes for a sender domain on
 * {@code greylist.trusted_spf_domains}, and mail a local list entry accepts. In {@code rcpt} mode the rest is
 * greylisted only when suspicious: an objective score at {@code greylist.min_score}, or a client whose reverse name
 * Postfix could not verify (spam bots rarely have one; big senders always do).
 */
final class GreylistGate {

    private static final System.Logger LOG = System.getLogger(GreylistGate.class.getName());

    /** What greylisting reports: a deferred recipient, a passed one, a store that failed (then nothing defers). */
    static final java.util.Set<String> RESULT_KINDS =
            java.util.Set.of("greylist.deferred", "greylist.passed", "greylist.temperror");

    private final Greylister greylister;
    private final GreylistConfig config;
    private final Executor work;
    private final String spfPassSymbol;

    /** @param greylister the store-backed greylister, or null when greylisting is off */
    GreylistGate(Greylister greylister, GreylistConfig config, Executor work, String spfPassSymbol) {
        this.greylister = greylister;
        this.config = config;
        this.work = work;
        this.spfPassSymbol = spfPassSymbol;
    }

    boolean enabled() {
        return greylister != null && config.enabled();
    }

    GreylistMode mode() {
        return config.mode();
    }

    /** Whether this recipient's triplet is to be checked at RCPT, given the objective evidence so far. */
    boolean appliesAtRcpt(ConnectionFacts connection, Envelope envelope, List<Symbol> evidence) {
        if (!enabled() || config.mode() != GreylistMode.RCPT || exempt(connection, envelope, evidence)) {
            return false;
        }
        if (config.minScore().isEmpty()) {
            return true;
        }
        double objective = evidence.stream().filter(Symbol::objective).mapToDouble(Symbol::score).sum();
        return objective >= config.minScore().getAsDouble() || !connection.clientNameVerified();
    }

    /** Whether greylisting may apply to this message at end of message (its score chose the greylist action). */
    boolean appliesAtEndOfMessage(ConnectionFacts connection, Envelope envelope, List<Symbol> symbols) {
        return enabled() && config.mode() == GreylistMode.END_OF_MESSAGE && !exempt(connection, envelope, symbols);
    }

    /**
     * The greylister's decision, computed on the work executor within {@code budget}; completes with a non-deferring
     * decision when the greylister fails, is rejected (shutdown) or is late, so Postern never tempfails, nor holds
     * Postfix, because it broke.
     */
    CompletionStage<GreylistDecision> check(ConnectionFacts connection, Envelope envelope, String recipient,
                                            Duration budget) {
        Optional<String> name = connection.clientNameVerified() && !connection.clientName().equalsIgnoreCase("unknown")
                ? Optional.of(connection.clientName()) : Optional.empty();
        GreylistRequest request = new GreylistRequest(connection.clientIp().orElseThrow(), name, envelope.sender(),
                recipient);
        CompletableFuture<GreylistDecision> decision;
        try {
            decision = CompletableFuture.supplyAsync(() -> greylister.check(request), work);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(new GreylistDecision.StoreFailure("shutting down"));
        }
        return decision
                .exceptionally(bug -> {
                    LOG.log(System.Logger.Level.ERROR, "greylist check failed; the recipient is not deferred", bug);
                    return new GreylistDecision.StoreFailure("internal_error");
                })
                .completeOnTimeout(new GreylistDecision.StoreFailure("timeout"), budget.toNanos(),
                        TimeUnit.NANOSECONDS);
    }

    private boolean exempt(ConnectionFacts connection, Envelope envelope, List<Symbol> evidence) {
        if (envelope.outgoing() || connection.localSubmission() || connection.clientIp().isEmpty()) {
            return true;
        }
        InetAddress ip = connection.clientIp().get();
        if (ip.isLoopbackAddress()) {
            return true;
        }
        for (Cidr network : config.networks()) {
            if (network.contains(ip)) {
                return true;
            }
        }
        if (connection.clientNameVerified()) {
            String name = connection.clientName().toLowerCase(Locale.ROOT);
            for (String allowed : config.allowlistClients()) {
                if (LocalListsCheck.nameMatches(allowed.toLowerCase(Locale.ROOT), name)) {
                    return true;
                }
            }
        }
        if (config.trustedSpfDomains().contains(envelope.senderDomain())
                && evidence.stream().anyMatch(s -> s.name().equals(spfPassSymbol))) {
            return true;
        }
        return evidence.stream().anyMatch(s -> s.forced().orElse(null) == ActionKind.NO_ACTION);
    }
}
