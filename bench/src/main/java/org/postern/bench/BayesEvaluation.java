package org.postern.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.postern.bayes.BayesClassifier;
import org.postern.bayes.BayesTokenizer;
import org.postern.bayes.ClassifierSettings;
import org.postern.bayes.LmdbBayesStore;
import org.postern.bayes.TokenizerSettings;
import org.postern.daemon.cli.PosternCommand;
import picocli.CommandLine;

/**
 * The accuracy and speed evaluation of issue #5 on the SpamAssassin public corpus, Postern and bogofilter side by
 * side, on the same split: in every folder a message whose numeric prefix is even is training data, odd is test data.
 *
 * <pre>bench/bayes-eval        # fetches the corpus, installs bogofilter, builds, runs this</pre>
 *
 * <p>Postern learns the training half with the real {@code postern learn --spam|--ham --progress} command run
 * in-process (so JVM start-up is excluded; it is measured separately), from two Maildirs laid out in the work
 * directory, into a fresh store. It classifies the test half on this one thread with the embedded store, the
 * tokenizer and the classifier at their defaults, as the daemon and {@code postern check} do. bogofilter registers
 * the same files in its bulk mode ({@code -s -B}, {@code -n -B}) and classifies with {@code -v -B}; its wall times
 * include its process start, which is milliseconds.
 *
 * <p>Arguments: the corpus's {@code data/} directory and a work directory (emptied).
 */
public final class BayesEvaluation {

    /**
     * Postern's default decision threshold (bayes.spam_probability): the lowest that kept out-of-fold false positives
     * within 0.1% in BayesTuning (0.753), rounded up.
     */
    static final double POSTERN_THRESHOLD = 0.76;
    /** bogofilter's spam_cutoff as the issue states its false positives (spamicity 0.5). */
    static final double BOGOFILTER_THRESHOLD = 0.5;

    /**
     * Learn runs (about 3,000 messages each) and classification rounds (the test half) before the measured ones, for
     * the JIT: on 2 cores, where its compiler threads share the cores with the work, the rates climb for about 20
     * runs (the tokenizer's big methods are compiled last) and are flat after; the warm-up rates are printed, so the
     * plateau can be seen.
     */
    static final int WARMUP_RUNS = 30;
    /** Measured runs of each: the figures are their median and range, as one run moves with the machine's noise. */
    static final int MEASURED_RUNS = 5;

    private BayesEvaluation() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path work = Path.of(args[1]);
        BenchFiles.deleteRecursively(work);
        Files.createDirectories(work);
        SpamAssassinCorpus corpus = SpamAssassinCorpus.load(data);
        List<SpamAssassinCorpus.Message> training = corpus.training();
        List<SpamAssassinCorpus.Message> test = corpus.test();
        boolean[] truth = new boolean[test.size()];
        boolean[] hard = new boolean[test.size()];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = test.get(i).spam();
            hard[i] = test.get(i).hardHam();
        }
        System.out.printf("corpus: %d training (%d spam), %d test (%d spam, %d hard ham)%n", training.size(),
                training.stream().filter(SpamAssassinCorpus.Message::spam).count(), test.size(),
                test.stream().filter(SpamAssassinCorpus.Message::spam).count(),
                test.stream().filter(SpamAssassinCorpus.Message::hardHam).count());

        Path spamDir = maildir(work.resolve("train-spam"), training, true);
        Path hamDir = maildir(work.resolve("train-ham"), training, false);

        Result postern = postern(work.resolve("postern-state"), spamDir, hamDir, test, training.size());
        Result bogofilter = bogofilter(work.resolve("bogofilter"), training, test, MEASURED_RUNS);
        double startupMillis = jvmStartupMillis();
        double coldLearnSeconds = coldLearnSeconds(work.resolve("postern-cold"), spamDir, hamDir);

        System.out.println();
        System.out.printf("%-44s %22s %22s%n", "", "Postern", "bogofilter");
        row("threshold", String.format("p >= %.2f", POSTERN_THRESHOLD),
                String.format("spamicity >= %.1f", BOGOFILTER_THRESHOLD));
        row("ROC AUC", String.format("%.5f", Scores.auc(postern.p, truth)),
                String.format("%.5f", Scores.auc(bogofilter.p, truth)));
        row("spam caught at <= 0.1% false positives", percent(Scores.caughtAtFpRate(postern.p, truth, 0.001)),
                percent(Scores.caughtAtFpRate(bogofilter.p, truth, 0.001)));
        row("ham false positives at the threshold", errors(postern.p, truth, POSTERN_THRESHOLD, true, null),
                errors(bogofilter.p, truth, BOGOFILTER_THRESHOLD, true, null));
        row("  of them hard ham", errors(postern.p, truth, POSTERN_THRESHOLD, true, hard),
                errors(bogofilter.p, truth, BOGOFILTER_THRESHOLD, true, hard));
        row("spam false negatives at the threshold", errors(postern.p, truth, POSTERN_THRESHOLD, false, null),
                errors(bogofilter.p, truth, BOGOFILTER_THRESHOLD, false, null));
        long spam = test.stream().filter(SpamAssassinCorpus.Message::spam).count();
        row("spam caught at the threshold",
                percent(1 - (double) Scores.falseNegatives(postern.p, truth, POSTERN_THRESHOLD) / spam),
                percent(1 - (double) Scores.falseNegatives(bogofilter.p, truth, BOGOFILTER_THRESHOLD) / spam));
        System.out.printf("(speeds: median of %d runs, range in parentheses)%n", MEASURED_RUNS);
        row("learning, messages/s", rates(postern.learnRates), rates(bogofilter.learnRates));
        row("classifying, messages/s (one thread)", rates(postern.classifyRates), rates(bogofilter.classifyRates));
        row("JVM start-up (postern --version), ms", String.format("%.0f", startupMillis), "-");
        row("learning in a fresh process, messages/s", String.format("%,.0f", training.size() / coldLearnSeconds),
                "(as above)");
    }

    /** Test-half scores, and the messages/s of each measured learn run and classification round. */
    record Result(double[] p, double[] learnRates, double[] classifyRates) {
    }

    private static Result postern(Path state, Path spamDir, Path hamDir, List<SpamAssassinCorpus.Message> test,
            int trainingCount) throws IOException {
        // WARMUP_RUNS runs (about 90,000 messages) warm the JIT, so the measured runs are the steady state of a long
        // learn run; the cold figure, a fresh process, is measured separately (coldLearnSeconds).
        double[] warmup = new double[WARMUP_RUNS];
        double[] learnRates = new double[MEASURED_RUNS];
        for (int run = 0; run < WARMUP_RUNS + MEASURED_RUNS; run++) {
            BenchFiles.deleteRecursively(state);                 // every run learns into a fresh store; the last one is kept
            long t0 = System.nanoTime();
            learn(state, "--spam", spamDir);
            learn(state, "--ham", hamDir);
            double rate = trainingCount / ((System.nanoTime() - t0) / 1e9);
            if (run < WARMUP_RUNS) {
                warmup[run] = rate;
            } else {
                learnRates[run - WARMUP_RUNS] = rate;
            }
        }
        System.out.println("Postern learning warm-up, messages/s: " + list(warmup));

        var tokenizer = BayesTokenizer.create(TokenizerSettings.DEFAULT);
        var classifier = BayesClassifier.create(ClassifierSettings.DEFAULT);
        double[] p = new double[test.size()];
        double[] classifyRates = new double[MEASURED_RUNS];
        for (int round = 0; round < WARMUP_RUNS + MEASURED_RUNS; round++) {
            // Each round opens the store afresh, so its read cache starts empty and fills as the round goes, as after
            // a daemon start or a commit: a round never reads what an earlier round left cached.
            try (LmdbBayesStore store = LmdbBayesStore.open(state.resolve("bayes"))) {
                long c0 = System.nanoTime();
                for (int i = 0; i < test.size(); i++) {
                    var tokens = tokenizer.tokenize(SpamAssassinCorpus.read(test.get(i)));
                    p[i] = store.read(LmdbBayesStore.GLOBAL, counts -> classifier.classify(tokens, counts))
                            .probability();
                }
                double rate = test.size() / ((System.nanoTime() - c0) / 1e9);
                if (round < WARMUP_RUNS) {
                    warmup[round] = rate;
                } else {
                    classifyRates[round - WARMUP_RUNS] = rate;
                }
            }
        }
        System.out.println("Postern classifying warm-up, messages/s: " + list(warmup));
        return new Result(p, learnRates, classifyRates);
    }

    private static void learn(Path state, String kind, Path maildir) {
        int exit = new CommandLine(new PosternCommand()).execute("learn", kind, "--progress",
                "--state-dir", state.toAbsolutePath().toString(), maildir.toString());
        if (exit != 0) {
            throw new IllegalStateException("postern learn " + kind + " " + maildir + " exited with " + exit);
        }
    }

    /**
     * bogofilter trained on {@code training} and classifying {@code test}, {@code runs} times, each into a fresh
     * wordlist (the rates of every run; the spamicities of the last, which are the same every time).
     */
    static Result bogofilter(Path dir, List<SpamAssassinCorpus.Message> training,
            List<SpamAssassinCorpus.Message> test, int runs) throws IOException, InterruptedException {
        double[] learnRates = new double[runs];
        double[] classifyRates = new double[runs];
        List<String> out = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            BenchFiles.deleteRecursively(dir);
            Files.createDirectories(dir);
            long t0 = System.nanoTime();
            run(bogofilterCommand(dir, "-s", files(training, true)), null);
            run(bogofilterCommand(dir, "-n", files(training, false)), null);
            learnRates[run] = training.size() / ((System.nanoTime() - t0) / 1e9);
            out.clear();
            long c0 = System.nanoTime();
            run(bogofilterCommand(dir, "-v", files(test, null)), out);
            classifyRates[run] = test.size() / ((System.nanoTime() - c0) / 1e9);
        }
        Map<String, Double> spamicity = new HashMap<>();
        for (String line : out) {
            // FILE X-Bogosity: Spam, tests=bogofilter, spamicity=1.000000, version=1.2.5
            int x = line.indexOf(" X-Bogosity:");
            int s = line.indexOf("spamicity=");
            if (x > 0 && s > 0) {
                int end = line.indexOf(',', s);
                spamicity.put(line.substring(0, x), Double.parseDouble(line.substring(s + 10, end)));
            }
        }
        double[] p = new double[test.size()];
        for (int i = 0; i < p.length; i++) {
            Double v = spamicity.get(test.get(i).file().toString());
            if (v == null) {
                throw new IllegalStateException("bogofilter printed no spamicity for " + test.get(i).file());
            }
            p[i] = v;
        }
        return new Result(p, learnRates, classifyRates);
    }

    private static List<String> bogofilterCommand(Path dir, String mode, List<String> files) {
        List<String> command = new ArrayList<>(List.of("bogofilter", "-d", dir.toString(), mode, "-B"));
        command.addAll(files);
        return command;
    }

    private static List<String> files(List<SpamAssassinCorpus.Message> messages, Boolean spam) {
        return messages.stream().filter(m -> spam == null || m.spam() == spam).map(m -> m.file().toString()).toList();
    }

    /** Runs a command; its standard output goes to {@code out} when given. Exit codes 0-2 are bogofilter's verdicts. */
    private static void run(List<String> command, List<String> out) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(out == null)
                .redirectOutput(out == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.PIPE)
                .start();
        if (out != null) {
            try (var reader = process.inputReader()) {
                reader.lines().forEach(out::add);
            }
        }
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(command.get(0) + " did not finish in 10 minutes");
        }
        if (process.exitValue() > 2) {
            throw new IllegalStateException(command.get(0) + " " + command.get(3) + " exited with "
                    + process.exitValue());
        }
    }

    /** Wall time of a fresh JVM running {@code postern --version} from this jar: the cost a CLI call pays once. */
    private static double jvmStartupMillis() throws IOException, InterruptedException {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            posternProcess(Duration.ofMinutes(1), "--version");
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
        }
        return best;
    }

    /**
     * Runs {@code postern ARGS} in a fresh JVM on this classpath, output discarded; fails unless it exits 0 in time.
     */
    private static void posternProcess(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), PosternCommand.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("postern " + String.join(" ", args) + " in a fresh JVM failed");
        }
    }

    /**
     * Wall time of {@code postern learn --spam} and {@code --ham} over the training Maildirs, each a fresh JVM, as a
     * cron job runs them: JVM start-up, class loading and JIT warm-up included.
     */
    private static double coldLearnSeconds(Path state, Path spamDir, Path hamDir)
            throws IOException, InterruptedException {
        String stateDir = state.toAbsolutePath().toString();
        long t0 = System.nanoTime();
        Duration limit = Duration.ofMinutes(5);
        posternProcess(limit, "learn", "--spam", "--progress", "--state-dir", stateDir, spamDir.toString());
        posternProcess(limit, "learn", "--ham", "--progress", "--state-dir", stateDir, hamDir.toString());
        return (System.nanoTime() - t0) / 1e9;
    }

    /** A Maildir whose cur/ holds a copy of each training message of the class. */
    private static Path maildir(Path dir, List<SpamAssassinCorpus.Message> messages, boolean spam) throws IOException {
        for (String sub : List.of("cur", "new", "tmp")) {
            Files.createDirectories(dir.resolve(sub));
        }
        for (SpamAssassinCorpus.Message m : messages) {
            if (m.spam() == spam) {
                Files.copy(m.file(), dir.resolve("cur").resolve(m.folder() + "." + m.file().getFileName() + ":2,S"));
            }
        }
        return dir;
    }

    private static String errors(double[] p, boolean[] truth, double threshold, boolean ham, boolean[] only) {
        long n = 0;
        long wrong = 0;
        for (int i = 0; i < p.length; i++) {
            if (truth[i] == !ham && (only == null || only[i])) {
                n++;
                if (ham ? p[i] >= threshold : p[i] < threshold) {
                    wrong++;
                }
            }
        }
        return String.format("%d (%.2f%%)", wrong, 100.0 * wrong / n);
    }

    /** "median (min–max)" of messages/s figures. */
    private static String rates(double[] rates) {
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        return String.format("%,.0f (%,.0f-%,.0f)", sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1]);
    }

    private static String list(double[] rates) {
        return Arrays.stream(rates).mapToObj(r -> String.format("%,.0f", r)).collect(Collectors.joining(" "));
    }

    private static String percent(double share) {
        return String.format("%.1f%%", 100 * share);
    }

    private static void row(String name, String postern, String bogofilter) {
        System.out.printf("%-44s %22s %22s%n", name, postern, bogofilter);
    }
}
