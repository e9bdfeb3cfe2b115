package org.postern.daemon.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.postern.bayes.BayesStoreException;
import org.postern.bayes.BayesTokenizer;
import org.postern.bayes.LearnOutcome;
import org.postern.bayes.LearnRequest;
import org.postern.bayes.LmdbBayesStore;
import org.postern.config.PosternConfig;
import org.postern.daemon.pipeline.BayesModels;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code postern learn --spam|--ham|--forget [--user U] [--max-size BYTES] [--progress] PATH...}: what sa-learn does,
 * into the Bayes store under {@code state_dir/bayes}, while the daemon runs (LMDB lets both open it).
 *
 * <p>The work is a {@link LearnRun}; the kinds of PATH are in {@link MessageSource}. The summary goes to standard
 * output, the progress bar to standard error. Exit codes: 0 when every message was handled (learned, already
 * learned, moved, too big), 1 when one was unreadable or the store failed, 2 for a usage error. After the run the
 * user's token table is pruned to {@code bayes.max_tokens_per_user} and the seen-index to
 * {@value LmdbBayesStore#DEFAULT_MAX_SEEN_PER_USER} entries.
 */
@Command(name = "learn", sortOptions = false,
        description = {"Train the Bayes classifier on messages, as sa-learn does: re-learning a message as the same"
                + " class is skipped, as the other class moves it.",
                "PATH is a Maildir (cur/ and new/), an mbox file, a directory of message files (recursive), a single"
                        + " message file, or - for one message on standard input (a Sieve pipe)."})
final class LearnCommand implements Callable<Integer> {

    /** Default {@code --max-size}: larger messages teach a word filter nothing that their first 32 MiB do not. */
    static final long DEFAULT_MAX_SIZE_BYTES = 32L * 1024 * 1024;
    /** Byte arrays are indexed by int: the largest message that can be held whole. */
    static final long MAX_MAX_SIZE_BYTES = Integer.MAX_VALUE - 8;

    @Mixin
    CommonOptions common;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    static final class Mode {
        @Option(names = "--spam", required = true, description = "Learn the messages as spam.") boolean spam;
        @Option(names = "--ham", required = true, description = "Learn the messages as ham (not spam).") boolean ham;
        @Option(names = "--forget", required = true, description = "Take learned messages back.") boolean forget;
    }

    @Option(names = "--user", paramLabel = "U", defaultValue = LmdbBayesStore.GLOBAL,
            description = "Whose model to train: a recipient address or user key, mapped as the daemon maps"
                    + " recipients (bayes.users, recipient_delimiter); default: the global model.")
    String user;

    @Option(names = "--max-size", paramLabel = "BYTES", defaultValue = "" + DEFAULT_MAX_SIZE_BYTES,
            description = "Skip messages larger than this, counted as too big (default ${DEFAULT-VALUE}).")
    long maxSize;

    @Option(names = "--progress", description = "Draw a progress bar with messages/s and time left on standard"
            + " error (redrawn in place on a terminal, a line every 5 s otherwise).")
    boolean progress;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "5000",
            description = "Messages per write transaction, 1..100000 (default ${DEFAULT-VALUE}); a transaction is"
                    + " also committed after 1 s. Larger batches learn faster; each costs one fsync.")
    int batch;

    @Option(names = "--verbose", description = "Print a line on standard output before and after each write"
            + " transaction; a 'committed' line counts only what is on disk.")
    boolean verbose;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Maildir, mbox, directory, file, or - (stdin).")
    List<String> paths;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (maxSize < 1 || maxSize > MAX_MAX_SIZE_BYTES) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--max-size must be between 1 and " + MAX_MAX_SIZE_BYTES + " bytes, not " + maxSize);
        }
        if (batch < 1 || batch > 100_000) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--batch must be between 1 and 100000 messages, not " + batch);
        }
        if (paths.stream().filter("-"::equals).count() > 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "- (standard input) may be given once");
        }
        PosternConfig config = common.load();
        // The model the daemon and `postern check` read for this recipient: alice+lists@ and an alias mapped by
        // bayes.users train the same model as the address they deliver to.
        String user = this.user.isEmpty() ? LmdbBayesStore.GLOBAL : config.bayes().userKey(this.user);
        try {
            LmdbBayesStore.checkUser(user);           // the key the store gets, not the option as typed
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--user " + this.user + ": its model key " + e.getMessage().replaceFirst("^user ", ""));
        }
        LearnRequest.Action action = mode.spam ? LearnRequest.Action.SPAM
                : mode.ham ? LearnRequest.Action.HAM : LearnRequest.Action.FORGET;
        BayesTokenizer tokenizer = BayesModels.tokenizer(config.bayes());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        List<MessageSource> sources = new ArrayList<>();
        for (String p : paths) {
            sources.add(MessageSource.of(p, maxSize, () -> System.in));
        }
        LearnSummary summary = new LearnSummary();
        long start = System.nanoTime();
        try (LmdbBayesStore store = BayesModels.openStore(config)) {
            ProgressBar bar = null;
            if (progress) {
                long total = 0;
                for (MessageSource s : sources) {
                    total += s.count();
                }
                bar = new ProgressBar(err, System.console() != null, total, System::nanoTime);
            }
            LearnRun run = new LearnRun(LearnRun.Settings.defaults(maxSize, batch),
                    key -> known(store.learnedAs(user, key), action),
                    (bytes, key) -> new LearnRequest(action, key, tokenizer.tokenize(bytes)),
                    batch -> store.learnAll(user, batch),
                    verbose ? new VerboseListener(out) : LearnRun.Listener.NONE, System::nanoTime);
            try {
                run.run(sources, summary, bar);
            } finally {
                if (bar != null) {
                    bar.finish(summary.done());
                }
            }
            Duration learning = Duration.ofNanos(System.nanoTime() - start);      // the rate is of learning alone
            long pruneStart = System.nanoTime();
            LmdbBayesStore.Pruned pruned = store.pruneAll(user, config.bayes().maxTokensPerUser());
            Duration pruning = Duration.ofNanos(System.nanoTime() - pruneStart);
            out.print(render(summary, action, learning));
            if (pruned.tokens() > 0 || pruned.seen() > 0) {
                out.printf(Locale.ROOT, "pruned %d tokens (bayes.max_tokens_per_user %d) and %d seen-index entries"
                                + " (keeps %d) in %.1f s%n", pruned.tokens(), config.bayes().maxTokensPerUser(),
                        pruned.seen(), LmdbBayesStore.DEFAULT_MAX_SEEN_PER_USER, pruning.toNanos() / 1e9);
            }
            out.flush();
        } catch (RuntimeException e) {
            // A store failure (or a bug): what was committed before it is stored and counted; say so, then why the
            // run stopped.
            out.print(render(summary, action, Duration.ofNanos(System.nanoTime() - start)));
            out.flush();
            err.println("postern: learn stopped: " + (e instanceof BayesStoreException ? e.getMessage() : e));
            err.flush();
            return 1;
        }
        return summary.unreadable() > 0 ? 1 : 0;
    }

    /** The summary's lines for this run, after it ended or stopped. */
    private String render(LearnSummary summary, LearnRequest.Action action, Duration elapsed) {
        return summary.render(action == LearnRequest.Action.FORGET, action == LearnRequest.Action.SPAM, maxSize,
                elapsed);
    }

    /** What learnAll would answer for a message learned as {@code was}, when that needs no tokens. */
    static Optional<LearnOutcome> known(Optional<LearnRequest.Action> was, LearnRequest.Action action) {
        if (action == LearnRequest.Action.FORGET) {
            return was.isEmpty() ? Optional.of(LearnOutcome.NOT_LEARNED) : Optional.empty();
        }
        return was.isPresent() && was.get() == action ? Optional.of(LearnOutcome.ALREADY_LEARNED) : Optional.empty();
    }

    /** {@code --verbose}: one line before and one after each transaction, flushed at once. */
    private static final class VerboseListener implements LearnRun.Listener {
        private final PrintWriter out;

        VerboseListener(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void committing(int messages) {
            out.println("committing " + messages + " messages");
            out.flush();
        }

        @Override
        public void committed(LearnSummary s) {
            out.println("committed learned=" + s.count(LearnOutcome.LEARNED)
                    + " already_learned=" + s.count(LearnOutcome.ALREADY_LEARNED)
                    + " moved=" + s.count(LearnOutcome.MOVED)
                    + " forgotten=" + s.count(LearnOutcome.FORGOTTEN)
                    + " not_learned=" + s.count(LearnOutcome.NOT_LEARNED));
            out.flush();
        }
    }
}
