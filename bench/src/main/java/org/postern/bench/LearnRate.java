package org.postern.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * How fast {@code postern learn} learns a Maildir, end to end: the packaged CLI in its own JVM, as an administrator
 * runs it, with {@code --progress} on, into a fresh store. Not JMH: one run of a few seconds is the measurement, as
 * the issue states it (messages per second from a Maildir with the progress bar on).
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar org.postern.bench.LearnRate daemon/target/postern-daemon.jar [N | MAILDIR]
 * </pre>
 * With a number (default 5000) it generates that many distinct messages (headers, 150–400 words from a 20,000-word
 * vocabulary, a few links: about 2–4 KB each, like a plain-text corpus) into a temporary Maildir first; with a path it
 * learns that Maildir (for example the SpamAssassin corpus unpacked into {@code cur/}). Prints the rate the CLI's own
 * summary reports and the wall time including JVM start. {@code -Djvm.options="..."} passes options to the learning
 * JVM, as {@code POSTERN_JAVA_OPTS} does through the launcher. The temporary directory is deleted afterwards.
 */
public final class LearnRate {

    private LearnRate() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 1) {
            System.err.println("usage: LearnRate POSTERN_DAEMON_JAR [N | MAILDIR]");
            System.exit(2);
        }
        Path jar = Path.of(args[0]);
        Path tmp = Files.createTempDirectory("postern-learn-rate");
        try {
            Path maildir;
            if (args.length > 1 && !args[1].matches("\\d+")) {
                maildir = Path.of(args[1]);
            } else {
                int n = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
                maildir = tmp.resolve("Maildir");
                generate(maildir, n, new Random(5));
            }
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString()));
            // -Djvm.options="-XX:TieredStopAtLevel=1": what POSTERN_JAVA_OPTS passes through the launcher.
            String jvmOptions = System.getProperty("jvm.options", "").strip();
            if (!jvmOptions.isEmpty()) {
                command.addAll(List.of(jvmOptions.split("\\s+")));
            }
            command.addAll(List.of("-jar", jar.toString(), "learn", "--spam", "--progress", "--config", "/dev/null",
                    "--state-dir", tmp.resolve("state").toString(), maildir.toString()));
            Process p = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            long start = System.nanoTime();
            int code = p.waitFor();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "exit %d, wall time with JVM start %.2f s%n", code, seconds);
        } finally {
            BenchFiles.deleteRecursively(tmp);
        }
    }

    /** Writes {@code n} distinct plain-text messages into {@code maildir/cur}. */
    static void generate(Path maildir, int n, Random random) throws IOException {
        Path cur = Files.createDirectories(maildir.resolve("cur"));
        Files.createDirectories(maildir.resolve("new"));
        Files.createDirectories(maildir.resolve("tmp"));
        List<String> vocabulary = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            vocabulary.add(word(random));
        }
        for (int i = 0; i < n; i++) {
            StringBuilder m = new StringBuilder(4096);
            m.append("Return-Path: <sender").append(i % 97).append("@example").append(i % 13).append(".com>\n")
                    .append("Received: from mx").append(i % 7).append(".example.net (mx.example.net [192.0.2.")
                    .append(i % 250).append("])\n\tby mail.example.org (Postfix) with ESMTP id 4X").append(i)
                    .append("\n\tfor <user@example.org>; Tue, 1 Dec 2026 10:00:00 +0000\n")
                    .append("From: ").append(vocabulary.get(random.nextInt(2000))).append(" <sender").append(i % 97)
                    .append("@example").append(i % 13).append(".com>\n")
                    .append("To: user@example.org\n")
                    .append("Subject:");
            for (int w = 0; w < 5; w++) {
                m.append(' ').append(vocabulary.get(random.nextInt(vocabulary.size())));
            }
            m.append("\nDate: Tue, 1 Dec 2026 10:00:00 +0000\nMessage-ID: <").append(i).append(".bench@example")
                    .append(i % 13).append(".com>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n");
            int words = 150 + random.nextInt(250);
            for (int w = 0; w < words; w++) {
                // Zipf-like: common words often, rare words seldom, as in real text.
                int rank = (int) Math.min(vocabulary.size() - 1, Math.abs(random.nextGaussian()) * 3000);
                m.append(vocabulary.get(rank)).append(w % 12 == 11 ? ".\n" : " ");
                if (w % 80 == 40) {
                    m.append("https://www.example").append(random.nextInt(500)).append(".com/")
                            .append(vocabulary.get(random.nextInt(vocabulary.size()))).append(' ');
                }
            }
            m.append("\n");
            Files.writeString(cur.resolve(1_764_583_200L + i + ".M" + i + "P1.bench:2,S"), m,
                    StandardCharsets.UTF_8);
        }
    }

    private static String word(Random random) {
        int length = 2 + random.nextInt(9);
        StringBuilder w = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            w.append((char) ('a' + random.nextInt(26)));
        }
        return w.toString();
    }
}
