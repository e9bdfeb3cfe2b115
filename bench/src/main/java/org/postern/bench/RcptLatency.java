package org.postern.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postern.dns.LoopbackDnsServer;
import org.postern.milter.MacroStage;
import org.postern.milter.MilterCommand;
import org.postern.milter.MilterReply;
import org.postern.milter.MilterTestClient;

/**
 * A milter load generator that measures the RCPT verdict (issue #6: p99 ≤ 1 ms with cached DNS). It starts the
 * packaged daemon ({@code daemon/target/postern-daemon.jar}) in a child JVM with local lists, two blocklists, SPF and
 * greylisting, all DNS served by the loopback DNS server, then plays Postfix: sessions from a pool of client
 * addresses, each OPTNEG, CONNECT, HELO, then transactions of MAIL and RCPT, as Postfix sends them with Postern's
 * negotiated flags (no reply to CONNECT, HELO, MAIL). The time measured is from writing RCPT to reading its reply,
 * on the client: the whole verdict, including the blocklist and SPF joins, the greylist store and the loopback
 * network. A first pass warms the DNS cache and records the triplets; the greylist delay passes; the measured pass
 * then finds every answer cached and every triplet known, the steady state of a busy server.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.postern.bench.RcptLatency [transactions] [threads]
 * </pre>
 */
public final class RcptLatency {

    private static final Pattern SERVING = Pattern.compile("serving the milter on ([0-9.]+):(\\d+)");
    private static final int CLIENTS = 64;
    private static final int SENDERS = 32;
    private static final int TRANSACTIONS_PER_SESSION = 4;

    private RcptLatency() {}

    public static void main(String[] args) throws Exception {
        int transactions = args.length > 0 ? Integer.parseInt(args[0]) : 40_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        Path jar = Path.of("daemon", "target", "postern-daemon.jar");
        if (!Files.exists(jar)) {
            System.err.println("RcptLatency: " + jar + " is missing; build it first (mvn -q -B -DskipTests install)");
            System.exit(2);
        }
        Path dir = Files.createTempDirectory("postern-rcpt-latency-");
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(zone())) {
            Path config = dir.resolve("postern.yml");
            Files.writeString(config, config(dir, dns.address().getPort()));
            Process daemon = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-jar", jar.toString(), "daemon", "--config", config.toString())
                    .redirectErrorStream(true).start();
            try {
                InetSocketAddress milter = awaitServing(daemon);
                run(milter, transactions / 4, threads);            // warm DNS, record triplets
                Thread.sleep(1_500);                               // the configured greylist delay (1 s) passes
                run(milter, transactions / 4, threads);            // triplets pass and are remembered
                long[] nanos = run(milter, transactions, threads); // measured: cached DNS, known triplets
                report(nanos, threads);
            } finally {
                daemon.destroy();
                if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
                    daemon.destroyForcibly();
                }
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Runs {@code transactions} RCPT verdicts on {@code threads} connections at a time; returns their latencies. */
    private static long[] run(InetSocketAddress milter, int transactions, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<long[]>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                int share = transactions / threads;
                parts.add(pool.submit(() -> client(milter, thread, share)));
            }
            List<long[]> all = new ArrayList<>();
            for (Future<long[]> f : parts) {
                all.add(f.get(10, TimeUnit.MINUTES));
            }
            return all.stream().flatMapToLong(Arrays::stream).toArray();
        } finally {
            pool.shutdownNow();
        }
    }

    /** One thread: sessions of {@link #TRANSACTIONS_PER_SESSION} transactions, as Postfix would send them. */
    private static long[] client(InetSocketAddress milter, int thread, int transactions) {
        long[] nanos = new long[transactions];
        int done = 0;
        int session = thread;
        while (done < transactions) {
            String ip = clientIp(session++);
            try (MilterTestClient mta = MilterTestClient.connect(milter)) {
                mta.negotiate(MilterTestClient.POSTFIX_OFFER);
                mta.send(new MilterCommand.Macro(MacroStage.CONNECT, Map.of("j", "mx.bench.test",
                                "{daemon_name}", "mx.bench.test")),
                        new MilterCommand.Connect("mail.sender.test", MilterCommand.Family.INET, 40_000, ip),
                        new MilterCommand.Macro(MacroStage.HELO, Map.of()),
                        new MilterCommand.Helo("mail.sender.test"));
                for (int i = 0; i < TRANSACTIONS_PER_SESSION && done < transactions; i++, done++) {
                    int n = done + thread * 7919;
                    mta.send(new MilterCommand.Macro(MacroStage.MAIL, Map.of("{mail_addr}", sender(n))),
                            new MilterCommand.Mail("<" + sender(n) + ">", List.of("BODY=8BITMIME")),
                            new MilterCommand.Macro(MacroStage.RCPT, Map.of("{rcpt_addr}", "user@bench.test")));
                    long start = System.nanoTime();
                    mta.send(new MilterCommand.Rcpt("<user" + (n % 8) + "@bench.test>", List.of()));
                    MilterReply reply = mta.read();
                    nanos[done] = System.nanoTime() - start;
                    if (!(reply instanceof MilterReply.Continue) && !(reply instanceof MilterReply.ReplyCode)) {
                        throw new IllegalStateException("unexpected RCPT reply " + reply);
                    }
                    mta.send(new MilterCommand.Abort());
                }
                mta.send(new MilterCommand.Quit());
            }
        }
        return nanos;
    }

    private static String clientIp(int session) {
        int c = session % CLIENTS;
        return c < CLIENTS / 2 ? "192.0.2." + (10 + c) : "198.51.100." + (10 + c);
    }

    private static String sender(int n) {
        return "sender" + (n % SENDERS) + "@" + (n % 2 == 0 ? "spf-pass.test" : "other.test");
    }

    private static void report(long[] nanos, int threads) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "rcpt_verdicts=%d threads=%d p50_us=%.0f p90_us=%.0f p99_us=%.0f"
                        + " p999_us=%.0f max_us=%.0f%n", sorted.length, threads, us(sorted, 0.50), us(sorted, 0.90),
                us(sorted, 0.99), us(sorted, 0.999), sorted[sorted.length - 1] / 1000.0);
    }

    private static double us(long[] sorted, double quantile) {
        int i = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1000.0;
    }

    /** Half the clients listed on one list (scored below reject), SPF records for the senders' domains. */
    private static String zone() {
        StringBuilder z = new StringBuilder();
        for (int c = 0; c < CLIENTS; c += 2) {
            String ip = clientIp(c);
            String[] o = ip.split("\\.");
            z.append(o[3]).append('.').append(o[2]).append('.').append(o[1]).append('.').append(o[0])
                    .append(".pbl.test. A 127.0.0.10\n");
        }
        z.append("spf-pass.test. TXT \"v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 -all\"\n");
        z.append("other.test. TXT \"v=spf1 include:spf-pass.test ~all\"\n");
        return z.toString();
    }

    private static String config(Path dir, int dnsPort) {
        return """
                milter:
                  listen: 127.0.0.1:0
                state_dir: %s
                authserv_id: mx.bench.test
                dns:
                  servers: ["127.0.0.1:%d"]
                lists:
                  - {match: sender, value: blocked.test, action: reject}
                  - {match: client, value: 203.0.113.0/24, score: 3}
                rbl:
                  lists:
                    - name: pbl
                      zone: pbl.test
                      codes: [{code: 127.0.0.10-127.0.0.11, symbol: RBL_PBL, score: 2}]
                    - name: dbl
                      zone: dbl.test
                      checks: [sender_domain, helo]
                      codes: [{code: 127.0.1.2, symbol: RBL_DBL_SPAM, score: 6}]
                greylist:
                  delay: 1s
                  min_score: ~
                """.formatted(dir.resolve("state"), dnsPort);
    }

    private static InetSocketAddress awaitServing(Process daemon) throws Exception {
        AtomicReference<InetSocketAddress> address = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(daemon.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    Matcher m = SERVING.matcher(line);
                    if (m.find()) {
                        synchronized (address) {
                            address.set(new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2))));
                            address.notifyAll();
                        }
                    } else if (line.contains("ERROR") || line.contains("WARN")) {
                        System.err.println("daemon: " + line);
                    }
                }
            } catch (IOException e) {
                // the daemon went away; main notices
            }
        }, "daemon-output");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        synchronized (address) {
            while (address.get() == null && daemon.isAlive() && System.nanoTime() < deadline) {
                address.wait(500);
            }
        }
        if (address.get() == null) {
            throw new IllegalStateException("the daemon did not start serving within 30 s");
        }
        return address.get();
    }
}
