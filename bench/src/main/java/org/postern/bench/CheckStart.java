package org.postern.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * How long one {@code postern check} takes, start to exit, as Sieve runs it once per delivered message: the whole
 * process, JVM start included, since that is what each delivery waits for. Compares the plain {@code java -jar} with
 * the repository's launcher, which starts {@code check} with the quick compiler and an AppCDS archive.
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar org.postern.bench.CheckStart REPOSITORY [RUNS]
 * </pre>
 * Setup (not timed): a store learns 300 generated messages as spam and 300 as ham ({@link LearnRate#generate}), and
 * one more generated message is the one checked. Then, interleaved so the machine's noise falls on all alike, RUNS
 * times (default 11) each: {@code java -jar postern-daemon.jar --version} (the CLI's start alone), {@code java -jar
 * postern-daemon.jar check}, and {@code ./postern check}; once, before those, the launcher's first check after a
 * build, which also writes the archive. Prints the median and the range. Deletes its temporary directory.
 */
public final class CheckStart {

    private CheckStart() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 1) {
            System.err.println("usage: CheckStart REPOSITORY [RUNS]");
            System.exit(2);
        }
        Path repo = Path.of(args[0]).toAbsolutePath().normalize();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 11;
        Path jar = repo.resolve("daemon/target/postern-daemon.jar");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path tmp = Files.createTempDirectory("postern-check-start");
        try {
            Path state = tmp.resolve("state");
            LearnRate.generate(tmp.resolve("spam"), 300, new Random(1));
            LearnRate.generate(tmp.resolve("ham"), 300, new Random(2));
            LearnRate.generate(tmp.resolve("one"), 1, new Random(3));
            Path message;
            try (Stream<Path> cur = Files.list(tmp.resolve("one/cur"))) {
                message = cur.findFirst().orElseThrow();
            }
            for (String kind : List.of("spam", "ham")) {
                run(List.of(java.toString(), "-jar", jar.toString(), "learn", "--" + kind, "--config", "/dev/null",
                        "--state-dir", state.toString(), tmp.resolve(kind).toString()), repo);
            }
            List<String> check = List.of("check", "--config", "/dev/null", "--state-dir", state.toString(),
                    message.toString());
            List<String> version = List.of(java.toString(), "-jar", jar.toString(), "--version");
            List<String> plain = concat(List.of(java.toString(), "-jar", jar.toString()), check);
            List<String> launcher = concat(List.of(repo.resolve("postern").toString()), check);

            Files.deleteIfExists(repo.resolve("daemon/target/postern-check.jsa"));
            double first = run(launcher, repo);
            double[][] times = new double[3][runs];
            for (int i = 0; i < runs; i++) {
                times[0][i] = run(version, repo);
                times[1][i] = run(plain, repo);
                times[2][i] = run(launcher, repo);
            }
            System.out.printf(Locale.ROOT, "%d runs each, seconds per process, median (range)%n", runs);
            System.out.printf(Locale.ROOT, "  java -jar postern-daemon.jar --version   %s%n", summary(times[0]));
            System.out.printf(Locale.ROOT, "  java -jar postern-daemon.jar check       %s%n", summary(times[1]));
            System.out.printf(Locale.ROOT, "  ./postern check                          %s%n", summary(times[2]));
            System.out.printf(Locale.ROOT, "  ./postern check, first after a build     %.2f (writes the archive)%n",
                    first);
        } finally {
            BenchFiles.deleteRecursively(tmp);
        }
    }

    /** Runs a command to its end (output discarded; failure is an error) and returns its wall time in seconds. */
    private static double run(List<String> command, Path directory) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(directory.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("POSTERN_SKIP_BUILD", "1");
        long start = System.nanoTime();
        int code = pb.start().waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (code != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + code);
        }
        return seconds;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String summary(double[] seconds) {
        double[] s = seconds.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", s[s.length / 2], s[0], s[s.length - 1]);
    }
}
