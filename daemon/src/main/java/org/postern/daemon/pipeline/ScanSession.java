package org.postern.daemon.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.postern.config.IpLiteral;
import org.postern.config.PolicyConflicts;
import org.postern.greylist.GreylistDecision;
import org.postern.milter.EndOfMessageReply;
import org.postern.milter.Macros;
import org.postern.milter.MilterCommand;
import org.postern.milter.MilterFilter;
import org.postern.milter.MilterReply;
import org.postern.milter.Negotiated;
import org.postern.milter.ProtocolFlag;
import org.postern.milter.SessionInfo;
import org.postern.milter.SmtpReply;

/**
 * The scan of one SMTP session: connection facts, the current transaction, and the checks' results as they arrive.
 * It orchestrates; {@link VerdictPolicy} decides.
 *
 * <p>Threads: the milter session calls every method on the connection's event loop, one at a time. Check results
 * complete on other threads; the continuations that read them and update this object run on the event loop again
 * ({@code thenApplyAsync(..., eventLoop)}), so no field is ever touched by two threads. Checks never write here.
 *
 * <p>Checks start as soon as their inputs exist (CONNECT, HELO, MAIL, each RCPT, end of headers) and are joined where
 * a decision needs them: at each RCPT (objective evidence, per recipient) and at end of message (everything).
 */
final class ScanSession implements MilterFilter {

    /** The answer to a recipient whose policy differs from the transaction's (policy.conflicts: defer). */
    static final SmtpReply POLICY_CONFLICT = SmtpReply.of(452, "4.5.3",
            "Please send to this recipient in a separate transaction");

    /** Header bytes kept as sent per message; past this, values are cut to {@link #CUT_VALUE_CHARS}. */
    static final long MAX_HEADER_BYTES = 1 << 20;
    /** Header fields kept per message; Postfix bounds each header's size but not their number. */
    static final int MAX_HEADER_FIELDS = 10_000;
    /** Enough of a value to read an authserv-id or a Subject's start. */
    static final int CUT_VALUE_CHARS = 128;

    private final PipelineSettings settings;
    private final VerdictPolicy verdicts;
    private final OutgoingRule outgoingRule;
    private final SessionInfo info;
    private final CheckGuard guard;

    private ConnectionFacts connection = new ConnectionFacts("", Optional.empty(), "unknown", 0, "", "", false);
    private List<CompletableFuture<CheckResult>> connectResults = List.of();
    private List<CompletableFuture<CheckResult>> heloResults = List.of();
    private Transaction transaction;
    private boolean headerLeadingSpace = true;

    ScanSession(PipelineSettings settings, SessionInfo info) {
        this.settings = settings;
        this.verdicts = new VerdictPolicy(settings);
        this.outgoingRule = new OutgoingRule(settings.config.outgoing());
        this.info = info;
        this.guard = new CheckGuard(settings::temperror);
    }

    /** Per-transaction state, from MAIL to end of message or ABORT. */
    private static final class Transaction {
        final long startNanos = System.nanoTime();
        Envelope envelope;
        List<CompletableFuture<CheckResult>> mailResults = List.of();
        List<CompletableFuture<CheckResult>> endOfHeadersResults = List.of();
        /** Per check (in check order): its body scan, or null when it has none or its scan failed. */
        final List<MessageScan> scans = new ArrayList<>();
        final List<CheckResult> failedScans = new ArrayList<>();
        final List<CheckResult> acceptedRecipientResults = new ArrayList<>();
        final List<EffectivePolicy> acceptedRecipientPolicies = new ArrayList<>();
        final List<ReceivedHeaders.Field> headers = new ArrayList<>();
        long headerBytes;
        boolean headersTruncated;
        /** The message as Bayes reads it, from end of headers on; null when Bayes does not look at it. */
        BayesGate.MessageBytes bayes;
        /** The body's digest for the symbols header's seal; null when headers are not sealed. */
        BodyDigest bodyDigest;

        Transaction(Envelope envelope) {
            this.envelope = envelope;
        }
    }

    @Override
    public void negotiated(Negotiated negotiated) {
        headerLeadingSpace = negotiated.has(ProtocolFlag.HDR_LEADSPC);
    }

    @Override
    public CompletionStage<MilterReply.Response> connect(MilterCommand.Connect connect, Macros macros) {
        boolean inet = connect.family() == MilterCommand.Family.INET || connect.family() == MilterCommand.Family.INET6;
        String address = inet ? connect.address() : "";
        String literal = address.regionMatches(true, 0, "IPv6:", 0, 5) ? address.substring(5) : address;
        // POSTFIX: cleanup(8) presents local submissions as a session from port 0 (milter-protocol.md §6, §11).
        boolean local = inet && connect.port() == 0;
        connection = new ConnectionFacts(address, IpLiteral.parse(literal), connect.hostname(), connect.port(), "",
                macros.get("daemon_name").orElse(""), local);
        ConnectionFacts facts = connection;
        connectResults = startAll(Stage.CONNECT, settings.config.scan().connectBudget(), c -> () -> c.connect(facts));
        return CONTINUE;
    }

    @Override
    public CompletionStage<MilterReply.Response> helo(MilterCommand.Helo helo, Macros macros) {
        // A second HELO (after STARTTLS or RSET) replaces the first and its evidence.
        connection = connection.withHelo(helo.name());
        ConnectionFacts facts = connection;
        heloResults = startAll(Stage.HELO, settings.config.scan().heloBudget(), c -> () -> c.helo(facts));
        return CONTINUE;
    }

    @Override
    public CompletionStage<MilterReply.Response> mail(MilterCommand.Mail mail, Macros macros) {
        Optional<String> auth = macros.get("auth_authen").filter(s -> !s.isEmpty());
        Envelope envelope = new Envelope(Envelope.stripBrackets(mail.sender()), auth,
                outgoingRule.isOutgoing(connection, auth), List.of());
        Transaction tx = new Transaction(envelope);
        transaction = tx;
        ConnectionFacts facts = connection;
        tx.mailResults = startAll(Stage.MAIL, settings.config.scan().mailBudget(), c -> () -> c.mail(facts, envelope));
        return CONTINUE;
    }

    @Override
    public CompletionStage<MilterReply.Response> rcpt(MilterCommand.Rcpt rcpt, Macros macros) {
        Transaction tx = transaction;
        if (tx == null) {
            return CONTINUE;  // RCPT without MAIL: Postfix never does this; nothing to decide on
        }
        String recipient = Envelope.stripBrackets(rcpt.recipient());
        ConnectionFacts facts = connection;
        Envelope envelope = tx.envelope;
        Duration budget = settings.config.scan().rcptBudget();
        List<CompletableFuture<CheckResult>> rcptResults = startAll(Stage.RCPT, budget,
                c -> () -> c.rcpt(facts, envelope, recipient));
        List<CompletableFuture<CheckResult>> earlier = concat(connectResults, heloResults, tx.mailResults);
        return onEventLoop(await(concat(earlier, rcptResults), budget), ignored -> {
            CheckResult forRecipient = merge(collect(rcptResults, budget, envelope.outgoing()));
            List<Symbol> evidence = new ArrayList<>(merge(collect(earlier, budget, envelope.outgoing())).symbols());
            evidence.addAll(forRecipient.symbols());
            EffectivePolicy policy = settings.policyFor(recipient);
            Optional<SmtpReply> refusal = verdicts.preDataRefusal(evidence, facts.localSubmission(), policy);
            if (refusal.isPresent()) {
                ActionKind action = refusal.get().isTemporary() ? ActionKind.SOFT_REJECT : ActionKind.REJECT;
                return completed(refuse(tx, macros, facts, recipient, action, evidence, refusal.get()));
            }
            if (conflictsWithAccepted(tx, policy)) {
                // RFC 5321 §4.5.3.1.10: 452 tells the client to send this recipient again, in another transaction,
                // where it gets a verdict under its own policy (README "Per-recipient policy").
                return completed(refuse(tx, macros, facts, recipient, ActionKind.SOFT_REJECT, evidence,
                        POLICY_CONFLICT));
            }
            if (!policy.greylist() || !settings.greylist.appliesAtRcpt(facts, tx.envelope, evidence)) {
                return completed(accept(tx, recipient, forRecipient, policy));
            }
            return settings.greylist.check(facts, tx.envelope, recipient, budget).thenApplyAsync(decision -> {
                if (decision.defers()) {
                    List<Symbol> withGreylist = new ArrayList<>(evidence);
                    withGreylist.add(settings.symbol("greylist.deferred", decision.detail()));
                    return refuse(tx, macros, facts, recipient, ActionKind.GREYLIST, withGreylist,
                            settings.greylistReply);
                }
                String kind = decision instanceof GreylistDecision.StoreFailure ? "greylist.temperror"
                        : "greylist.passed";
                List<Symbol> symbols = new ArrayList<>(forRecipient.symbols());
                symbols.add(settings.symbol(kind, decision.detail()));
                return accept(tx, recipient, new CheckResult(symbols, forRecipient.authenticationResults(),
                        forRecipient.traceHeaders()), policy);
            }, info.eventLoop());
        });
    }

    /**
     * Runs {@code next} when {@code ready} completes, on this session's event loop. Callbacks run on the loop (the
     * MilterFilter contract), so when the checks have already answered (cached DNS, the common case) it runs at
     * once, without a round trip through the loop's task queue.
     */
    private <T, R> CompletionStage<R> onEventLoop(CompletableFuture<T> ready,
                                                  Function<T, CompletionStage<R>> next) {
        if (ready.isDone()) {
            return next.apply(ready.join());
        }
        return ready.thenComposeAsync(next, info.eventLoop());
    }

    /** With {@code policy.conflicts: defer}, whether this recipient's policy differs from those accepted so far. */
    private boolean conflictsWithAccepted(Transaction tx, EffectivePolicy policy) {
        return settings.policyConflicts() == PolicyConflicts.DEFER && !tx.acceptedRecipientPolicies.isEmpty()
                && !tx.acceptedRecipientPolicies.get(0).id().equals(policy.id());
    }

    private MilterReply.Response accept(Transaction tx, String recipient, CheckResult forRecipient,
                                        EffectivePolicy policy) {
        tx.acceptedRecipientResults.add(forRecipient);
        tx.acceptedRecipientPolicies.add(policy);
        tx.envelope = tx.envelope.withRecipient(recipient);
        return MilterReply.CONTINUE;
    }

    private MilterReply.Response refuse(Transaction tx, Macros macros, ConnectionFacts facts, String recipient,
                                        ActionKind action, List<Symbol> evidence, SmtpReply reply) {
        MessageLog.refusedRecipient(macros.get("i").orElse("NOQUEUE"), info.id(),
                new MessageVerdict(action, MessageVerdict.sum(evidence), evidence), facts, tx.envelope, recipient,
                reply.toString());
        return new MilterReply.ReplyCode(reply);
    }

    private static CompletionStage<MilterReply.Response> completed(MilterReply.Response response) {
        return CompletableFuture.completedFuture(response);
    }

    @Override
    public CompletionStage<MilterReply.Response> header(MilterCommand.Header header, Macros macros) {
        Transaction tx = transaction;
        if (tx == null) {
            return CONTINUE;
        }
        // Bound memory per message, but keep counting fields: header edits address them by occurrence number, so a
        // field dropped here could let a forged Authentication-Results through (RFC 8601 §5).
        if (tx.headers.size() >= MAX_HEADER_FIELDS) {
            tx.headersTruncated = true;
            return CONTINUE;
        }
        String value = header.value();
        if (tx.headerBytes + header.name().length() + value.length() > MAX_HEADER_BYTES) {
            tx.headersTruncated = true;
            value = value.substring(0, Math.min(value.length(), CUT_VALUE_CHARS));
        }
        tx.headerBytes += header.name().length() + value.length();
        tx.headers.add(new ReceivedHeaders.Field(header.name(), value));
        return CONTINUE;
    }

    @Override
    public CompletionStage<MilterReply.Response> endOfHeaders(Macros macros) {
        Transaction tx = transaction;
        if (tx == null) {
            return CONTINUE;
        }
        ConnectionFacts facts = connection;
        Envelope envelope = tx.envelope;
        ReceivedHeaders headers = ReceivedHeaders.of(tx.headers);
        tx.endOfHeadersResults = startAll(Stage.END_OF_HEADERS, settings.config.scan().endOfMessageBudget(),
                c -> () -> c.endOfHeaders(facts, envelope, headers));
        for (Check check : settings.checks) {
            MessageScan scan = null;
            try {
                scan = check.beginMessage(facts, envelope, headers).orElse(null);
            } catch (RuntimeException bug) {
                tx.failedScans.add(guard.bug(check, Stage.END_OF_HEADERS, bug));
            }
            tx.scans.add(scan);
        }
        tx.bayes = settings.bayes.begin(facts, envelope, headers, headerLeadingSpace).orElse(null);
        // Only for the seal of the symbols header, which outgoing mail does not get (HeaderEdits).
        tx.bodyDigest = settings.headerEdits.sealing() && !envelope.outgoing() ? new BodyDigest() : null;
        return CONTINUE;
    }

    @Override
    public CompletionStage<MilterReply.Response> body(MilterCommand.Body body, Macros macros) {
        Transaction tx = transaction;
        if (tx == null) {
            return CONTINUE;
        }
        for (int i = 0; i < tx.scans.size(); i++) {
            MessageScan scan = tx.scans.get(i);
            if (scan == null) {
                continue;
            }
            try {
                scan.body(body.chunk().duplicate());
            } catch (RuntimeException bug) {
                tx.scans.set(i, null);
                tx.failedScans.add(guard.bug(settings.checks.get(i), Stage.END_OF_MESSAGE, bug));
            }
        }
        if (tx.bayes != null) {
            tx.bayes.append(body.chunk().duplicate());
        }
        if (tx.bodyDigest != null) {
            tx.bodyDigest.update(body.chunk());
        }
        return CONTINUE;
    }

    @Override
    public CompletionStage<EndOfMessageReply> endOfMessage(Macros macros) {
        Transaction tx = transaction;
        transaction = null;
        if (tx == null) {
            return CompletableFuture.completedFuture(EndOfMessageReply.ACCEPT);
        }
        ConnectionFacts facts = connection;
        Envelope envelope = tx.envelope;
        ReceivedHeaders headers = ReceivedHeaders.of(tx.headers);
        Duration budget = settings.config.scan().endOfMessageBudget();
        List<CompletableFuture<CheckResult>> eomResults = startAll(Stage.END_OF_MESSAGE, budget,
                c -> () -> c.endOfMessage(facts, envelope, headers));
        // What SPF and the like vouched for before DATA (their stages were joined at RCPT, so they are there).
        List<AuthenticatedIdentity> identities = merge(collect(concat(connectResults, heloResults, tx.mailResults),
                budget, envelope.outgoing())).identities();
        List<CompletableFuture<CheckResult>> scanResults = new ArrayList<>();
        List<Check> scanChecks = new ArrayList<>();
        for (int i = 0; i < tx.scans.size(); i++) {
            MessageScan scan = tx.scans.get(i);
            if (scan != null) {
                scanChecks.add(settings.checks.get(i));
                scanResults.add(guard.start(settings.checks.get(i), Stage.END_OF_MESSAGE, budget,
                        () -> scan.finish(identities)));
            }
        }
        List<CompletableFuture<CheckResult>> earlier =
                concat(connectResults, heloResults, tx.mailResults, tx.endOfHeadersResults);
        // Bayes classifies per recipient on the work executor; its future completes within the budget by itself.
        CompletableFuture<List<RecipientBayes>> bayes = tx.bayes == null || envelope.recipients().isEmpty()
                ? CompletableFuture.completedFuture(List.of())
                : settings.bayes.classify(tx.bayes, envelope.recipients(), settings::bayesFor, budget);
        CompletableFuture<Void> checksDone = await(concat(earlier, eomResults, scanResults), budget);
        return CompletableFuture.allOf(checksDone, bayes).thenComposeAsync(ignored -> {
            List<CheckResult> scanned = new ArrayList<>(tx.failedScans);
            for (int i = 0; i < scanResults.size(); i++) {
                CheckResult r = scanResults.get(i).getNow(null);
                scanned.add(r != null ? r : guard.temperror(scanChecks.get(i),
                        "no_answer_within_" + budget.toMillis() + "ms"));
            }
            CheckResult session = merge(concat(collect(earlier, budget, envelope.outgoing()),
                    collect(eomResults, budget, envelope.outgoing()), scanned));
            List<List<Symbol>> perRecipient = tx.acceptedRecipientResults.stream().map(CheckResult::symbols).toList();
            EffectivePolicy policy = tx.acceptedRecipientPolicies.isEmpty() ? settings.defaultPolicy
                    : EffectivePolicy.strictest(tx.acceptedRecipientPolicies.stream().distinct().toList());
            List<RecipientBayes> bayesResults = bayes.join();
            Optional<Symbol> bayesSymbol = BayesGate.messageSymbol(bayesResults);
            List<Symbol> sessionSymbols = new ArrayList<>(session.symbols());
            bayesSymbol.ifPresent(sessionSymbols::add);
            MessageVerdict verdict = VerdictPolicy.decide(VerdictPolicy.messageSymbols(sessionSymbols, perRecipient),
                    policy);
            return greylistAtEndOfMessage(verdict, policy, facts, envelope, budget).thenApplyAsync(finalVerdict -> {
                List<String> authResults = new ArrayList<>(session.authenticationResults());
                tx.acceptedRecipientResults.forEach(r -> authResults.addAll(r.authenticationResults()));
                // Started on the work executor (learning never delays the reply); X-Spam-Status says what it did.
                BayesGate.Autolearn autolearn = settings.bayes.autolearn(tx.bayes,
                        finalVerdict.score() - bayesSymbol.map(Symbol::score).orElse(0.0));
                EndOfMessageReply reply = verdicts.reply(finalVerdict, policy, headers, authResults,
                        session.traceHeaders(), session.signatures(), envelope.outgoing(), headerLeadingSpace,
                        autolearn, tx.bodyDigest != null ? tx.bodyDigest.finish() : "");
                MessageLog.message(macros.get("i").orElse("NOQUEUE"), info.id(), finalVerdict, bayesResults,
                        facts, envelope, tx.headersTruncated, System.nanoTime() - tx.startNanos);
                return reply;
            }, info.eventLoop());
        }, info.eventLoop());
    }

    /**
     * The greylist action at end of message: in {@code end_of_message} mode, for a policy that greylists, the message
     * is deferred when any of its recipients' triplets defers. Where greylisting does not apply (greylisting off for
     * the policy, {@code rcpt} mode, an exempt client) or every triplet is known, the verdict is taken again without
     * the greylist threshold, so spam is still marked.
     */
    private CompletionStage<MessageVerdict> greylistAtEndOfMessage(MessageVerdict verdict, EffectivePolicy policy,
                                                                   ConnectionFacts facts, Envelope envelope,
                                                                   Duration budget) {
        if (verdict.action() != ActionKind.GREYLIST) {
            return CompletableFuture.completedFuture(verdict);
        }
        MessageVerdict otherwise = VerdictPolicy.decide(verdict.symbols(), policy.withoutGreylist());
        if (!policy.greylist() || !settings.greylist.appliesAtEndOfMessage(facts, envelope, verdict.symbols())) {
            return CompletableFuture.completedFuture(otherwise);
        }
        List<CompletableFuture<GreylistDecision>> checks = envelope.recipients().stream()
                .map(r -> settings.greylist.check(facts, envelope, r, budget).toCompletableFuture()).toList();
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).thenApply(ignored ->
                checks.stream().anyMatch(c -> c.join().defers()) ? verdict : otherwise);
    }

    @Override
    public void abort(Macros macros) {
        Transaction tx = transaction;
        transaction = null;
        if (tx != null && !tx.envelope.recipients().isEmpty()) {
            MessageLog.aborted(macros.get("i").orElse("NOQUEUE"), info.id(), connection, tx.envelope);
        }
    }

    @Override
    public void close() {
        abort(Macros.empty());
    }

    private List<CompletableFuture<CheckResult>> startAll(Stage stage, Duration budget,
            Function<Check, Supplier<CompletionStage<CheckResult>>> hook) {
        List<CompletableFuture<CheckResult>> started = new ArrayList<>(settings.checks.size());
        for (Check check : settings.checks) {
            started.add(guard.start(check, stage, budget, hook.apply(check)));
        }
        return started;
    }

    /** Completes when all futures are done, or after {@code budget}, whichever comes first; never exceptionally. */
    private static CompletableFuture<Void> await(List<CompletableFuture<CheckResult>> futures, Duration budget) {
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, budget.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * The results that are there; a check still running when the stage must decide counts as its temperror (its
     * own guard gives the same symbol once its budget ends, so the outcome does not depend on who is first). For
     * outgoing mail, the results of checks that do not apply to it are left out. Futures are started per stage in
     * check order, so index modulo the number of checks names the check.
     */
    private List<CheckResult> collect(List<CompletableFuture<CheckResult>> futures, Duration budget,
                                      boolean outgoing) {
        List<CheckResult> results = new ArrayList<>(futures.size());
        for (int i = 0; i < futures.size(); i++) {
            Check check = settings.checks.get(i % settings.checks.size());
            if (outgoing && !check.appliesToOutgoing()) {
                continue;
            }
            CheckResult r = futures.get(i).getNow(null);
            results.add(r != null ? r : guard.temperror(check, "no_answer_within_" + budget.toMillis() + "ms"));
        }
        return results;
    }

    private static CheckResult merge(List<CheckResult> results) {
        List<Symbol> symbols = new ArrayList<>();
        List<String> auth = new ArrayList<>();
        List<ReceivedHeaders.Field> trace = new ArrayList<>();
        List<ReceivedHeaders.Field> signatures = new ArrayList<>();
        List<AuthenticatedIdentity> identities = new ArrayList<>();
        for (CheckResult r : results) {
            symbols.addAll(r.symbols());
            auth.addAll(r.authenticationResults());
            trace.addAll(r.traceHeaders());
            signatures.addAll(r.signatures());
            identities.addAll(r.identities());
        }
        return new CheckResult(symbols, auth, trace, signatures, identities);
    }

    @SafeVarargs
    private static <T> List<T> concat(List<T>... lists) {
        List<T> all = new ArrayList<>();
        for (List<T> l : lists) {
            all.addAll(l);
        }
        return all;
    }
}
