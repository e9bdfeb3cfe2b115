package org.postern.daemon.it;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plain-socket SMTP client for tests: one command, one {@link Reply}, nothing hidden. It never retries, never
 * pipelines and never interprets a reply, so a test can assert the exact code and text Postfix sent at each step.
 * Several transactions may run in one session ({@link #rset()} between them, or simply a new {@link #mailFrom}).
 *
 * <pre>{@code
 * try (SmtpClient smtp = SmtpClient.connect(postfix.smtpPort())) {
 *     smtp.ehlo("client.remote.test");
 *     smtp.mailFrom("sender@remote.test");
 *     assertEquals(250, smtp.rcptTo("alice@example.test").code());
 *     Reply queued = smtp.data("Subject: hi\r\n\r\nbody\r\n");
 * }
 * }</pre>
 *
 * <p>Every read has a timeout ({@link #READ_TIMEOUT}), so a silent server fails the test instead of hanging it.
 * Not thread-safe.
 */
final class SmtpClient implements AutoCloseable {

    static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private static final Pattern QUEUED_AS = Pattern.compile("queued as ([0-9A-Za-z]+)");

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Reply greeting;

    private SmtpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.greeting = readReply();
    }

    /** Connects to 127.0.0.1:{@code port} and reads the greeting. */
    static SmtpClient connect(int port) {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(LoopbackPorts.LOOPBACK, port), (int) READ_TIMEOUT.toMillis());
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            return new SmtpClient(socket);
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("cannot talk SMTP to 127.0.0.1:" + port, e);
        }
    }

    /** The server's greeting (220, or 554 when a milter rejected the connection). */
    Reply greeting() {
        return greeting;
    }

    Reply ehlo(String name) {
        return command("EHLO " + name);
    }

    Reply helo(String name) {
        return command("HELO " + name);
    }

    /** {@code MAIL FROM:<sender>}; an empty sender is the null reverse-path {@code <>}. */
    Reply mailFrom(String sender, String... esmtpArgs) {
        return command("MAIL FROM:<" + sender + ">" + joinArgs(esmtpArgs));
    }

    /** {@code RCPT TO:<recipient>}. */
    Reply rcptTo(String recipient, String... esmtpArgs) {
        return command("RCPT TO:<" + recipient + ">" + joinArgs(esmtpArgs));
    }

    /**
     * {@code DATA}, and when the server answers 354, the message (line ends normalised to CRLF, dot-stuffed) and the
     * final dot. Returns the final reply, or the reply to DATA when it was not 354.
     */
    Reply data(String message) {
        Reply go = command("DATA");
        if (go.code() != 354) {
            return go;
        }
        write(encodeMessage(message));
        return readReply();
    }

    Reply rset() {
        return command("RSET");
    }

    Reply noop() {
        return command("NOOP");
    }

    /**
     * {@code XCLIENT attr=value ...}, e.g. {@code xclient("ADDR=192.0.2.10 NAME=mail.remote.test")}. Postfix answers
     * with a new 220 greeting, which is the reply returned here; the client must say EHLO again afterwards.
     */
    Reply xclient(String attributes) {
        return command("XCLIENT " + attributes);
    }

    /** {@code QUIT}; the session is over afterwards. */
    Reply quit() {
        return command("QUIT");
    }

    /** Sends one command line (CRLF is added) and reads its reply. */
    Reply command(String line) {
        if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("one line without CR or LF: " + line);
        }
        write((line + "\r\n").getBytes(ISO_8859_1));
        return readReply();
    }

    /** Closes the socket without QUIT (as an impolite client would); {@code try}-with-resources calls it. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** CRLF line ends, a CRLF at the end, leading dots doubled (RFC 5321 §4.5.2), then {@code .CRLF}. */
    static byte[] encodeMessage(String message) {
        String normalised = message.replace("\r\n", "\n").replace('\r', '\n');
        if (!normalised.endsWith("\n")) {
            normalised += "\n";
        }
        StringBuilder wire = new StringBuilder(normalised.length() + 64);
        for (String line : normalised.split("\n", -1)) {
            wire.append(line.startsWith(".") ? "." + line : line).append("\r\n");
        }
        // split(-1) leaves one empty string after the final \n: its CRLF is replaced by the terminator.
        wire.setLength(wire.length() - 2);
        wire.append(".\r\n");
        return wire.toString().getBytes(ISO_8859_1);
    }

    private static String joinArgs(String... args) {
        return args.length == 0 ? "" : " " + String.join(" ", args);
    }

    private void write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("write to SMTP server failed", e);
        }
    }

    private Reply readReply() {
        List<String> lines = new ArrayList<>();
        int code = -1;
        while (true) {
            String line = readLine();
            if (line.length() < 3 || !line.substring(0, 3).chars().allMatch(Character::isDigit)
                    || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
                throw new IllegalStateException("not an SMTP reply line: " + line + " (after " + lines + ")");
            }
            int lineCode = Integer.parseInt(line.substring(0, 3));
            if (code >= 0 && lineCode != code) {
                throw new IllegalStateException("reply code changed within a multi-line reply: " + lines + ", " + line);
            }
            code = lineCode;
            lines.add(line.length() > 4 ? line.substring(4) : "");
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new Reply(code, lines);
            }
        }
    }

    private String readLine() {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        try {
            int previous = -1;
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new IllegalStateException("server closed the connection"
                            + (line.size() > 0 ? " in the middle of: " + line.toString(ISO_8859_1) : ""));
                }
                if (b == '\n' && previous == '\r') {
                    byte[] bytes = line.toByteArray();
                    return new String(bytes, 0, bytes.length - 1, ISO_8859_1);
                }
                line.write(b);
                previous = b;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("read from SMTP server failed", e);
        }
    }

    /**
     * One SMTP reply: its code and the text of each line without the code and separator.
     * {@link #toString()} gives the wire form with the lines joined by LF ({@code "550 5.7.1 Sender blocked"}).
     */
    record Reply(int code, List<String> lines) {
        Reply {
            lines = List.copyOf(requireNonNull(lines, "lines"));
            if (lines.isEmpty()) {
                throw new IllegalArgumentException("a reply has at least one line");
            }
        }

        /** The last line's text, e.g. {@code "2.0.0 Ok: queued as 4Xb9kT1z3Q"}. */
        String text() {
            return lines.get(lines.size() - 1);
        }

        /** Whether the code is 2xx or 3xx. */
        boolean positive() {
            return code < 400;
        }

        /** The queue id from {@code 250 2.0.0 Ok: queued as ID}, if this is such a reply. */
        Optional<String> queueId() {
            Matcher m = QUEUED_AS.matcher(text());
            return code == 250 && m.find() ? Optional.of(m.group(1)) : Optional.empty();
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                s.append(code).append(i == lines.size() - 1 ? ' ' : '-').append(lines.get(i));
                if (i < lines.size() - 1) {
                    s.append('\n');
                }
            }
            return s.toString();
        }
    }
}
