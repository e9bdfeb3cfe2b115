package org.postern.daemon.it;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A private Postfix instance for real-peer tests: its own configuration, queue, log and Maildirs under a fresh
 * directory in {@code /tmp}, listening on 127.0.0.1 only, started with {@code postfix -c DIR/etc start}.
 *
 * <p>What it runs:
 * <ul>
 *   <li>an inbound smtpd ({@link #smtpPort()}) and a submission smtpd ({@link #submissionPort()}, with
 *       {@code -o milter_macro_daemon_name=ORIGINATING}), both on free loopback ports, both with
 *       {@code smtpd_milters} (and {@code non_smtpd_milters}) at {@code inet:127.0.0.1:<milter port>},
 *       {@code milter_protocol = 6}, {@code milter_default_action = accept} and short milter timeouts;</li>
 *   <li>virtual delivery for {@code @example.test} into Maildirs under {@code DIR/mail/<user>/}, owned by
 *       {@code nobody} (uid/gid 65534); {@link #awaitDelivered} reads them;</li>
 *   <li>nothing that leaves the machine: {@code default_transport} and {@code relay_transport} are {@code error}, so
 *       smtpd refuses a recipient in any other domain at RCPT ({@code 550 5.7.1 ... the test instance relays
 *       nothing}), and anything else for a remote address (a bounce, a sendmail submission) bounces locally;</li>
 *   <li>no syslog: postlogd writes {@code DIR/maillog} ({@link #maillog()}).</li>
 * </ul>
 *
 * <p>What Postfix 3.7 needs to run this way (found by trying it, Debian 12, as root): {@code postfix -c DIR} is
 * accepted by root without listing DIR in {@code alternate_config_directories} of {@code /etc/postfix/main.cf} (which
 * need not even exist; postqueue and postconf take {@code -c DIR} as well); {@code queue_directory} must exist
 * beforehand ({@code postfix start} runs {@code post-install create-missing}, which creates the queue's subdirectories
 * and {@code data_directory} with the right owners, but not the queue directory itself: "fatal: chdir(...): No such
 * file or directory"), and is made root-owned 0755 like {@code /var/spool/postfix}; a {@code data_directory} that
 * we create ourselves, owned by root, makes the master fail ("open lock file ... master.lock: Permission denied"),
 * so it is left to Postfix; {@code maillog_file} must start with one of {@code maillog_file_prefixes} (default
 * {@code /var, /dev/stdout}) and needs a {@code postlog unix-dgram} service in master.cf; every directory on the way to
 * the Maildirs must be searchable by the delivery uid; virtual(8) refuses {@code $1} substitution from regexp maps,
 * hence the explicit user list. Postfix is started as root and drops privileges itself, so the JVM must run as root
 * ({@code scripts/test} is run as root in CI).
 *
 * <p>Lifecycle: {@link #start} returns once the master has bound its ports ({@code master -w}); {@link #close} runs
 * {@code postfix stop} (synchronous) and deletes the directory, unless the system property
 * {@code postern.it.keepPostfix=true} asks to keep it for a post-mortem. A start costs about one second, so share an
 * instance per test class and give each test its own recipients.
 *
 * <p>Not thread-safe; one test thread drives it.
 */
final class PostfixInstance implements AutoCloseable {

    /** Domain whose mail is delivered into the Maildirs; everything else bounces. */
    static final String DOMAIN = "example.test";

    /** The instance's {@code myhostname}: what it says in its greeting and Received: headers. */
    static final String HOSTNAME = "mx.example.test";

    /** Mailbox owner: Debian's {@code nobody}/{@code nogroup}. */
    static final int MAILBOX_UID = 65534;

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern QUEUE_ID = Pattern.compile("[0-9A-F]{6,}"); // short ids (enable_long_queue_ids = no)

    private final Path dir;
    private final Path etc;
    private final Path spool;
    private final Path mail;
    private final Path maillog;
    private final PostfixConfigFiles files;
    private boolean running;

    private PostfixInstance(PostfixConfigFiles files) {
        this.files = files;
        this.dir = files.dir();
        this.etc = dir.resolve("etc");
        this.spool = dir.resolve("spool");
        this.mail = dir.resolve("mail");
        this.maillog = dir.resolve("maillog");
    }

    /** A builder with the defaults described on the class; {@link Builder#milterPort} is the one usual setting. */
    static Builder builder() {
        return new Builder();
    }

    /** Port of the inbound smtpd (what port 25 would be). */
    int smtpPort() {
        return files.smtpPort();
    }

    /** Port of the submission smtpd, whose milter CONNECT macros carry {@code {daemon_name}=ORIGINATING}. */
    int submissionPort() {
        return files.submissionPort();
    }

    /** The instance's directory ({@code etc/}, {@code spool/}, {@code mail/}, {@code maillog}). */
    Path directory() {
        return dir;
    }

    /** The mailbox users, each reachable as {@code user@example.test}. */
    List<String> users() {
        return files.users();
    }

    /** {@code user@example.test}. */
    static String address(String user) {
        return user + "@" + DOMAIN;
    }

    /** The message files delivered to {@code user} so far (Maildir {@code new/}), oldest first; never waits. */
    List<Path> delivered(String user) {
        Path inbox = maildirNew(user);
        if (!Files.isDirectory(inbox)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(inbox)) {
            return files.filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(PostfixInstance::modified).thenComparing(Path::toString))
                    .collect(Collectors.toList());
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until at least one message has been delivered to {@code user}; returns all delivered so far. */
    List<Path> awaitDelivered(String user, Duration timeout) {
        return awaitDelivered(user, 1, timeout);
    }

    /**
     * Waits until at least {@code count} messages have been delivered to {@code user}.
     *
     * @throws AssertionError on timeout, with the tail of the mail log
     */
    List<Path> awaitDelivered(String user, int count, Duration timeout) {
        requireUser(user);
        return Await.until(count + " message(s) delivered to " + user, timeout,
                List.of(maildirNew(user), mail),
                () -> {
                    List<Path> files = delivered(user);
                    return files.size() >= count ? Optional.of(files) : Optional.empty();
                },
                this::diagnostics);
    }

    /** The whole mail log written so far (postlogd's {@code maillog_file}). */
    String maillog() {
        try {
            return Files.readString(maillog, ISO_8859_1);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits for a mail log line matching {@code pattern} (searched with {@link Matcher#find()}); returns that line.
     * Log lines are written by postlogd a moment after the event, so await them rather than read them once.
     */
    String awaitLogLine(Pattern pattern, Duration timeout) {
        return Await.until("a mail log line matching /" + pattern + "/", timeout, List.of(dir),
                () -> maillog().lines().filter(line -> pattern.matcher(line).find()).findFirst(),
                this::diagnostics);
    }

    /** Queue ids in the hold queue (where a milter QUARANTINE parks a message). */
    List<String> holdQueueIds() {
        return queueIds(List.of("hold"));
    }

    /**
     * Waits until {@code queueId} is in the hold queue. Cleanup moves a held message there before smtpd answers the
     * final dot, so this normally returns at once; the wait covers a slow file system.
     */
    void awaitHeld(String queueId, Duration timeout) {
        Await.until(queueId + " in the hold queue", timeout, List.of(spool.resolve("hold")),
                () -> holdQueueIds().contains(queueId) ? Optional.of(queueId) : Optional.empty(),
                this::diagnostics);
    }

    /** Queue ids anywhere in the queue (maildrop, incoming, active, deferred, hold). */
    List<String> queuedIds() {
        return queueIds(List.of("maildrop", "incoming", "active", "deferred", "hold"));
    }

    /** Asks the queue manager to retry deferred mail now ({@code postqueue -f}). */
    void flush() {
        run("postqueue", "-c", etc.toString(), "-f");
    }

    /**
     * Points {@code smtpd_milters} and {@code non_smtpd_milters} at another port and reloads. SMTP sessions that begin
     * after this returns use the new milter (checked: the next session connects to the new port).
     */
    void reconfigure(int milterPort) {
        String milter = PostfixConfigFiles.milterSpec(milterPort);
        postconf(Map.of("smtpd_milters", milter, "non_smtpd_milters", milter));
        reload();
    }

    /** Sets main.cf parameters ({@code postconf -e}); call {@link #reload()} afterwards for them to apply. */
    void postconf(Map<String, String> settings) {
        List<String> command = new ArrayList<>(List.of("postconf", "-c", etc.toString(), "-e"));
        settings.forEach((name, value) -> command.add(name + "=" + value));
        run(command.toArray(String[]::new));
    }

    /**
     * {@code postfix reload}, then waits until every Postfix process that existed before has exited, so the next SMTP
     * session is served by a process that read the new configuration. (The reload command returns once the master
     * has been signalled; an idle smtpd of the old generation could still take the next connection. Seen once in
     * about twenty runs before this wait.) A process busy with an open SMTP session exits only when that session
     * ends, so close sessions before reloading.
     *
     * @throws IllegalStateException when old processes are still there after a minute
     */
    void reload() {
        List<ProcessHandle> old = masterPid().flatMap(ProcessHandle::of)
                .map(master -> master.children().collect(Collectors.toList()))
                .orElse(List.of());
        run("postfix", "-c", etc.toString(), "reload");
        CompletableFuture<?>[] exits = old.stream().map(ProcessHandle::onExit).toArray(CompletableFuture<?>[]::new);
        try {
            CompletableFuture.allOf(exits).get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Postfix processes of the old configuration still running after reload: "
                    + old.stream().filter(ProcessHandle::isAlive)
                            .map(h -> h.pid() + " " + h.info().commandLine().orElse("?"))
                            .collect(Collectors.toList())
                    + "\n" + diagnostics(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the reload", e);
        }
    }

    /** Stops Postfix (synchronously) and deletes the directory; idempotent. */
    @Override
    public void close() {
        try {
            if (running) {
                running = false;
                stop();
            }
        } finally {
            if (!Boolean.getBoolean("postern.it.keepPostfix")) {
                TestFiles.deleteRecursively(dir);
            }
        }
    }

    /** The last lines of the mail log, for failure messages. */
    String diagnostics() {
        List<String> lines = maillog().lines().collect(Collectors.toList());
        int from = Math.max(0, lines.size() - 40);
        return "--- " + maillog + " (last " + (lines.size() - from) + " lines) ---\n"
                + String.join("\n", lines.subList(from, lines.size()));
    }

    private void start() {
        try {
            Files.createDirectories(etc);
            Files.createDirectories(spool);
            Files.createDirectories(mail);
            for (Path p : List.of(etc, spool)) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            chownToMailboxUser(mail);
            Files.setPosixFilePermissions(mail, PosixFilePermissions.fromString("rwx------"));
            for (String user : files.users()) {
                // Created up front so that awaitDelivered can watch new/ from the start.
                for (String sub : List.of("", "/cur", "/new", "/tmp")) {
                    Path p = Files.createDirectories(mail.resolve(user + sub));
                    chownToMailboxUser(p);
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
                }
            }
            Files.writeString(etc.resolve("main.cf"), files.mainCf(), ISO_8859_1);
            Files.writeString(etc.resolve("master.cf"), files.masterCf(), ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out " + dir, e);
        }
        running = true;   // from here on close() must stop whatever did start
        run("postfix", "-c", etc.toString(), "start");
    }

    private void stop() {
        if (masterPid().flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive).isEmpty()) {
            return;   // the start failed before the master ran
        }
        try {
            run("postfix", "-c", etc.toString(), "stop");
        } catch (RuntimeException e) {
            // Last resort, so that a broken stop never leaves a master behind: kill it by its pid file.
            masterPid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
            throw e;
        }
    }

    private Optional<Long> masterPid() {
        try {
            return Optional.of(Long.parseLong(Files.readString(spool.resolve("pid/master.pid")).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private List<String> queueIds(List<String> queues) {
        List<String> ids = new ArrayList<>();
        for (String queue : queues) {
            Path q = spool.resolve(queue);
            if (!Files.isDirectory(q)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(q)) {
                files.filter(Files::isRegularFile)
                        .map(p -> p.getFileName().toString())
                        .filter(name -> QUEUE_ID.matcher(name).matches())
                        .sorted()
                        .forEach(ids::add);
            } catch (NoSuchFileException e) {
                // A queue file moved on while we looked; the caller asks again if it cares.
            } catch (IOException | UncheckedIOException e) {
                throw new IllegalStateException("cannot list " + q, e);
            }
        }
        return ids;
    }

    private Path maildirNew(String user) {
        return mail.resolve(user).resolve("new");
    }

    private void requireUser(String user) {
        if (!files.users().contains(user)) {
            throw new IllegalArgumentException("no mailbox " + user + "; the mailboxes are " + files.users());
        }
    }

    /**
     * Runs a Postfix command with this instance's environment and returns its output. Output goes to a file rather
     * than a pipe, so a daemon that keeps the descriptor open (the master started by {@code postfix start}) cannot
     * make us wait for an EOF that never comes.
     */
    private String run(String... command) {
        List<String> argv = new ArrayList<>(List.of(command));
        argv.set(0, PostfixCommands.path(command[0]));
        Path output = dir.resolve("command.out");
        ProcessBuilder builder = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(output.toFile());
        builder.environment().remove("MAIL_CONFIG");
        try {
            Process process = builder.start();
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + " did not finish within " + COMMAND_TIMEOUT
                        + "\n" + diagnostics());
            }
            String text = Files.readString(output, ISO_8859_1);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", argv) + " exited with " + process.exitValue()
                        + ":\n" + text + "\n" + diagnostics());
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + argv, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + argv, e);
        }
    }

    private static void chownToMailboxUser(Path p) throws IOException {
        Files.setAttribute(p, "unix:uid", MAILBOX_UID);
        Files.setAttribute(p, "unix:gid", MAILBOX_UID);
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** Options for one instance; every setter has a default that suits most tests. */
    static final class Builder {
        private int milterPort = -1;
        private List<String> users = List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
                "ivan", "judy", "mallory", "niaj", "oscar", "peggy", "rupert", "sybil", "trent", "victor", "walter");
        private Duration milterConnectTimeout = Duration.ofSeconds(5);
        private Duration milterCommandTimeout = Duration.ofSeconds(10);
        private Duration milterContentTimeout = Duration.ofSeconds(20);
        private String milterDefaultAction = "accept";
        private final Map<String, String> extra = new LinkedHashMap<>();

        private Builder() {}

        /** Port of the milter at 127.0.0.1 (Postern or a proxy); nothing needs to listen there. Required. */
        Builder milterPort(int port) {
            if (port < 1 || port > 0xffff) {
                throw new IllegalArgumentException("milter port out of range: " + port);
            }
            this.milterPort = port;
            return this;
        }

        /** Mailbox users ({@code user@example.test}); replaces the default list of nineteen names. */
        Builder users(String... names) {
            for (String name : names) {
                if (!name.matches("[a-z0-9][a-z0-9._-]*")) {
                    throw new IllegalArgumentException("not a simple local part: " + name);
                }
            }
            this.users = List.of(names);
            return this;
        }

        /** {@code milter_connect_timeout}, {@code milter_command_timeout}, {@code milter_content_timeout}. */
        Builder milterTimeouts(Duration connect, Duration command, Duration content) {
            this.milterConnectTimeout = requireNonNull(connect, "connect");
            this.milterCommandTimeout = requireNonNull(command, "command");
            this.milterContentTimeout = requireNonNull(content, "content");
            return this;
        }

        /** {@code milter_default_action}: accept (the default here), tempfail, reject or quarantine. */
        Builder milterDefaultAction(String action) {
            this.milterDefaultAction = requireNonNull(action, "action");
            return this;
        }

        /** Any other main.cf parameter; applied after (and over) the defaults. */
        Builder mainCf(String name, String value) {
            extra.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
            return this;
        }

        /**
         * Lays out the directory, writes main.cf and master.cf and starts Postfix; returns when its ports are bound.
         *
         * @throws IllegalStateException when Postfix is not installed, we are not root, or the start fails (with
         *                               the mail log in the message); nothing is left running or on disk then
         */
        PostfixInstance start() {
            if (milterPort < 0) {
                throw new IllegalStateException("milterPort was not set");
            }
            PostfixCommands.requirePostfix();
            Path dir;
            try {
                dir = Files.createTempDirectory(Path.of("/tmp"), "postern-postfix-");
                // 0755: Postfix's unprivileged users must traverse it to reach the queue and the Maildirs.
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a directory under /tmp", e);
            }
            PostfixConfigFiles files = new PostfixConfigFiles(dir, LoopbackPorts.free(), LoopbackPorts.free(),
                    milterPort, users, milterConnectTimeout, milterCommandTimeout, milterContentTimeout,
                    milterDefaultAction, extra);
            PostfixInstance postfix = new PostfixInstance(files);
            try {
                postfix.start();
                return postfix;
            } catch (RuntimeException | Error e) {
                try {
                    postfix.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
    }
}
