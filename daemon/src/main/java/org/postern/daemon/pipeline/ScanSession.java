package org.postern.daemon.pipeline;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.postern.config.Cidr;
import org.postern.config.OutgoingConfig;
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
 *
 * <p>Threads: the milter session calls every method on its event loop, one at a time, and calls the next one only after
 * the stage returned by the previous one has completed (MilterFilter's contract). The continuations below may run on a
 * check's thread; they only read futures and the fields set before the stage began, and the completion of the returned
 * stage publishes what they wrote to the next callback. Checks never write into this object.
 *
 * <p>Verdicts: objective evidence known at RCPT (list entries now; blocklists and SPF later) is summed per recipient;
 * when it forces a refusal or reaches the reject or soft-reject threshold, that recipient is refused right there, which
 * is where Postern beats filters that only answer after DATA. Everything else is decided at end of message.
 */
final class ScanSession implements MilterFilter {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final PipelineSettings settings;
    private final SessionInfo info;
    private final CheckGuard guard;

    private ConnectionFacts connection =
            new ConnectionFacts("", Optional.empty(), "unknown", 0, "", "", false);
    private List<CompletableFuture<CheckResult>> connectResults = List.of();
    private List<CompletableFuture<CheckResult>> heloResults = List.of();
    private Transaction transaction;
    private boolean headerLeadingSpace = true;

    ScanSession(PipelineSettings settings, SessionInfo info) {
        this.settings = settings;
        this.info = info;
        this.guard = new CheckGuard(settings::temperror);
    }

    /** Per-transaction state, from MAIL to end of message or ABORT. */
    private static final class Transaction {
        final long startNanos = System.nanoTime();
        Envelope envelope;
        List<CompletableFuture<CheckResult>> mailResults = List.of();
        final List<CheckResult> acceptedRecipientResults = new ArrayList<>();
        final List<ReceivedHeaders.Field> headers = new ArrayList<>();
        long headerBytes;
        boolean headersTruncated;

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
        String address = connect.family() == MilterCommand.Family.INET || connect.family() == MilterCommand.Family.INET6
                ? connect.address() : "";
        boolean local = connect.port() == 0 && connect.family() != MilterCommand.Family.UNIX
                && connect.family() != MilterCommand.Family.UNKNOWN;
        connection = new ConnectionFacts(address, ipLiteral(address), connect.hostname(), connect.port(), "",
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
        Envelope envelope = new Envelope(Envelope.stripBrackets(mail.sender()), auth, isOutgoing(auth), List.of());
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
        List<CompletableFuture<CheckResult>> rcptResults = startAll(Stage.RCPT, settings.config.scan().rcptBudget(),
                c -> () -> c.rcpt(facts, envelope, recipient));
        List<CompletableFuture<CheckResult>> earlier = concat(connectResults, heloResults, tx.mailResults);
        Duration budget = settings.config.scan().rcptBudget();
        return await(concat(earlier, rcptResults), budget).thenApply(ignored -> {
            List<Symbol> known = symbolsOf(collect(earlier, budget));
            CheckResult forRecipient = merge(collect(rcptResults, budget));
            List<Symbol> evidence = new ArrayList<>(known);
            for (CheckResult r : tx.acceptedRecipientResults) {
                evidence.addAll(r.symbols());
            }
            evidence.addAll(forRecipient.symbols());
            Optional<SmtpReply> refusal = preDataRefusal(evidence, facts, envelope);
            if (refusal.isPresent()) {
                SmtpReply reply = refusal.get();
                ActionKind action = reply.isTemporary() ? ActionKind.SOFT_REJECT : ActionKind.REJECT;
                MessageLog.refusedRecipient(macros.get("i").orElse("NOQUEUE"), info.id(),
                        new MessageVerdict(action, MessageVerdict.sum(evidence), evidence), facts, envelope,
                        recipient, reply.toString());
                return new MilterReply.ReplyCode(reply);
            }
            tx.acceptedRecipientResults.add(forRecipient);
            tx.envelope = tx.envelope.withRecipient(recipient);
            return MilterReply.CONTINUE;
        });
    }

    /**
     * The RCPT-stage refusal, if the objective evidence decides one: a forced reject or soft reject, or an objective
     * score at the reject (then soft-reject) threshold. Local submissions are never refused here (Postfix keeps such
     * mail queued with a configuration error, milter-protocol.md §11), and an allow entry suppresses the thresholds.
     */
    private Optional<SmtpReply> preDataRefusal(List<Symbol> evidence, ConnectionFacts facts, Envelope envelope) {
        if (facts.localSubmission()) {
            return Optional.empty();
        }
        List<Symbol> objective = evidence.stream().filter(Symbol::objective).toList();
        Optional<ActionKind> forced = ActionPolicy.forced(objective);
        if (forced.isPresent()) {
            return switch (forced.get()) {
                case REJECT -> Optional.of(replyOf(objective, ActionKind.REJECT, settings.rejectReply));
                case SOFT_REJECT -> Optional.of(replyOf(objective, ActionKind.SOFT_REJECT, settings.softRejectReply));
                default -> Optional.empty();  // quarantine, discard and accept act at end of message
            };
        }
        double score = MessageVerdict.sum(objective);
        if (settings.policy.threshold(ActionKind.REJECT).map(t -> score >= t).orElse(false)) {
            return Optional.of(replyOf(objective, null, settings.rejectReply));
        }
        if (settings.policy.threshold(ActionKind.SOFT_REJECT).map(t -> score >= t).orElse(false)) {
            return Optional.of(replyOf(objective, null, settings.softRejectReply));
        }
        return Optional.empty();
    }

    /**
     * The reply text of the strongest evidence that carries one (the forcing entry's, or else the highest-scoring
     * symbol's, e.g. a blocklist's configured text), else the configured default; a reply of the wrong class for the
     * action is not used.
     */
    private static SmtpReply replyOf(List<Symbol> symbols, ActionKind forcedAction, SmtpReply fallback) {
        Symbol best = null;
        for (Symbol s : symbols) {
            if (s.reply().isEmpty() || s.reply().get().isTemporary() != fallback.isTemporary()) {
                continue;
            }
            if (forcedAction != null && s.forced().orElse(null) != forcedAction) {
                continue;
            }
            if (best == null || s.score() > best.score()) {
                best = s;
            }
        }
        return best == null ? fallback : best.reply().get();
    }

    @Override
    public CompletionStage<MilterReply.Response> header(MilterCommand.Header header, Macros macros) {
        Transaction tx = transaction;
        if (tx == null) {
            return CONTINUE;
        }
        long size = header.name().length() + (long) header.value().length();
        // Bound memory per message: Postfix limits each header (header_size_limit) but not their number.
        if (tx.headerBytes + size > MAX_HEADER_BYTES) {
            tx.headersTruncated = true;
            return CONTINUE;
        }
        tx.headerBytes += size;
        tx.headers.add(new ReceivedHeaders.Field(header.name(), header.value()));
        return CONTINUE;
    }

    /** Headers kept per message for the checks; a message with more is scanned on the first 1 MiB of them. */
    static final long MAX_HEADER_BYTES = 1 << 20;

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
        List<CompletableFuture<CheckResult>> earlier = concat(connectResults, heloResults, tx.mailResults);
        return await(concat(earlier, eomResults), budget).thenApply(ignored -> {
            List<CheckResult> results = new ArrayList<>(collect(earlier, budget));
            results.addAll(tx.acceptedRecipientResults);
            results.addAll(collect(eomResults, budget));
            CheckResult all = merge(results);
            double score = MessageVerdict.sum(all.symbols());
            ActionKind action = settings.policy.decide(all.symbols(), score);
            MessageVerdict verdict = new MessageVerdict(action, score, all.symbols());
            EndOfMessageReply reply = reply(verdict, headers, all.authenticationResults(), envelope);
            MessageLog.message(macros.get("i").orElse("NOQUEUE"), info.id(), verdict, facts, envelope,
                    System.nanoTime() - tx.startNanos);
            return reply;
        });
    }

    private EndOfMessageReply reply(MessageVerdict verdict, ReceivedHeaders headers, List<String> authResults,
                                    Envelope envelope) {
        ActionKind action = verdict.action();
        switch (action) {
            case REJECT:
                return refuse(replyOf(verdict.symbols(), ActionKind.REJECT, settings.rejectReply));
            case SOFT_REJECT:
                return refuse(replyOf(verdict.symbols(), ActionKind.SOFT_REJECT, settings.softRejectReply));
            case GREYLIST:
                // TODO(#6): remember triplets; until then a greylist verdict defers every attempt like soft_reject.
                return refuse(settings.greylistReply);
            case DISCARD:
                return new EndOfMessageReply(List.of(), MilterReply.DISCARD);
            default:
                break;
        }
        boolean tagged = !envelope.outgoing();
        String prefix = action == ActionKind.REWRITE_SUBJECT ? settings.config.actions().subjectPrefix() : "";
        List<MilterReply.Modification> edits = new ArrayList<>(settings.headerEdits.edits(headers, verdict, tagged,
                authResults, settings.requiredScore(), prefix));
        if (action == ActionKind.QUARANTINE) {
            edits.add(new MilterReply.Quarantine(settings.config.actions().quarantineReason()));
        }
        return new EndOfMessageReply(headerLeadingSpace ? edits : HeaderEdits.withoutLeadingSpace(edits),
                MilterReply.ACCEPT);
    }

    private static EndOfMessageReply refuse(SmtpReply reply) {
        return new EndOfMessageReply(List.of(), new MilterReply.ReplyCode(reply));
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

    /** Outgoing: a submission service, an authenticated client, a local submission, or a configured network. */
    private boolean isOutgoing(Optional<String> authUser) {
        OutgoingConfig out = settings.config.outgoing();
        if (out.daemonNames().contains(connection.daemonName())) {
            return true;
        }
        if (out.authenticated() && authUser.isPresent()) {
            return true;
        }
        if (out.localSubmission() && connection.localSubmission()) {
            return true;
        }
        if (connection.clientIp().isPresent()) {
            for (Cidr network : out.networks()) {
                if (network.contains(connection.clientIp().get())) {
                    return true;
                }
            }
        }
        return false;
    }

    private List<CompletableFuture<CheckResult>> startAll(Stage stage, Duration budget,
            java.util.function.Function<Check, Supplier<CompletionStage<CheckResult>>> hook) {
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
     * own guard gives the same symbol once its budget ends, so the outcome does not depend on who is first).
     */
    private List<CheckResult> collect(List<CompletableFuture<CheckResult>> futures, Duration budget) {
        List<CheckResult> results = new ArrayList<>(futures.size());
        for (int i = 0; i < futures.size(); i++) {
            CheckResult r = futures.get(i).getNow(null);
            results.add(r != null ? r : guard.temperror(checkAt(i), "no_answer_within_" + budget.toMillis() + "ms"));
        }
        return results;
    }

    /** Futures are started in check order per stage, so index modulo the number of checks names the check. */
    private Check checkAt(int index) {
        return settings.checks.get(index % settings.checks.size());
    }

    private static CheckResult merge(List<CheckResult> results) {
        List<Symbol> symbols = new ArrayList<>();
        List<String> auth = new ArrayList<>();
        for (CheckResult r : results) {
            symbols.addAll(r.symbols());
            auth.addAll(r.authenticationResults());
        }
        return new CheckResult(symbols, auth);
    }

    private static List<Symbol> symbolsOf(List<CheckResult> results) {
        return merge(results).symbols();
    }

    @SafeVarargs
    private static List<CompletableFuture<CheckResult>> concat(List<CompletableFuture<CheckResult>>... lists) {
        List<CompletableFuture<CheckResult>> all = new ArrayList<>();
        for (List<CompletableFuture<CheckResult>> l : lists) {
            all.addAll(l);
        }
        return all;
    }

    /** Parses an IP literal without ever asking DNS (InetAddress.getByName would resolve a name). */
    static Optional<InetAddress> ipLiteral(String address) {
        if (IPV4.matcher(address).matches()) {
            for (String octet : address.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return Optional.empty();
                }
            }
        } else if (address.indexOf(':') < 0) {
            return Optional.empty();  // with a colon, getByName parses an IPv6 literal or fails; it never resolves
        }
        String literal = address.startsWith("IPv6:") ? address.substring(5) : address;
        try {
            return Optional.of(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
