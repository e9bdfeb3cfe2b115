package org.postern.milter;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An SMTP reply for SMFIR_REPLYCODE: a 4xx or 5xx code, an optional RFC 3463 enhanced status code of the same class,
 * and one or more lines of text.
 *
 * <p>The constructor enforces what Postfix's {@code milter8_valid_smtp_reply()} and the SMTP client require
 * (milter-protocol.md §9): code 400–599; enhanced status {@code class.subject.detail} whose class equals the code's
 * first digit; every line printable US-ASCII without CR, LF or NUL. {@link #wireText()} joins the lines as
 * {@code 550-5.7.1 first} … {@code 550 5.7.1 last} with CRLF and doubles {@code %}, which Postfix would otherwise drop.
 */
public record SmtpReply(int code, Optional<String> enhancedStatus, List<String> lines) {

    private static final Pattern ENHANCED = Pattern.compile("([245])\\.(\\d{1,3})\\.(\\d{1,3})");

    public SmtpReply {
        requireNonNull(enhancedStatus, "enhancedStatus");
        lines = List.copyOf(lines);
        if (code < 400 || code > 599) {
            throw new IllegalArgumentException("reply code must be 4xx or 5xx, not " + code);
        }
        enhancedStatus.ifPresent(status -> {
            var m = ENHANCED.matcher(status);
            if (!m.matches()) {
                throw new IllegalArgumentException("enhanced status must look like 5.7.1, not '" + status + "'");
            }
            // RFC 3463 §2 and POSTFIX milter8_valid_smtp_reply(): the class must match the reply code's class.
            if (m.group(1).charAt(0) != Integer.toString(code).charAt(0)) {
                throw new IllegalArgumentException("enhanced status " + status + " does not match reply code " + code);
            }
        });
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("reply needs at least one line of text");
        }
        for (String line : lines) {
            // POSTFIX: milter8_valid_smtp_reply() takes a digit after "550 " for an enhanced status code and refuses
            // the reply when it does not match; the milter then counts as failed.
            if (enhancedStatus.isEmpty() && !line.isEmpty() && Character.isDigit(line.charAt(0))) {
                throw new IllegalArgumentException("reply text without an enhanced status code must not start with a"
                        + " digit: '" + line + "'");
            }
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c < 0x20 || c > 0x7e) {
                    throw new IllegalArgumentException(String.format(
                            "reply text must be printable US-ASCII; character U+%04X at %d in '%s'", (int) c, i, line));
                }
            }
        }
    }

    /** A one-line reply: {@code of(550, "5.7.1", "Sender address rejected")}. */
    public static SmtpReply of(int code, String enhancedStatus, String text) {
        return new SmtpReply(code, Optional.of(enhancedStatus), List.of(text));
    }

    /**
     * Parses {@code "550 5.7.1 text"} or {@code "451 text"}; the text may hold several lines separated by newlines
     * (each becomes one reply line with the same code).
     *
     * @throws IllegalArgumentException with a sentence saying what is wrong
     */
    public static SmtpReply parse(String reply) {
        requireNonNull(reply, "reply");
        String[] parts = reply.split(" ", 3);
        if (parts.length < 2 || !parts[0].matches("\\d{3}")) {
            throw new IllegalArgumentException("reply must start with a three-digit code and a space: '" + reply + "'");
        }
        int code = Integer.parseInt(parts[0]);
        Optional<String> status = Optional.empty();
        String text;
        if (ENHANCED.matcher(parts[1]).matches()) {
            status = Optional.of(parts[1]);
            text = parts.length == 3 ? parts[2] : "";
        } else {
            text = parts.length == 3 ? parts[1] + " " + parts[2] : parts[1];
        }
        List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
        return new SmtpReply(code, status, lines);
    }

    /** Whether this is a temporary failure (4xx). */
    public boolean isTemporary() {
        return code < 500;
    }

    /** The text for SMFIR_REPLYCODE: lines joined by CRLF, none at the end, {@code %} doubled. */
    public String wireText() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) {
                sb.append("\r\n");
            }
            sb.append(code).append(i == lines.size() - 1 ? ' ' : '-');
            enhancedStatus.ifPresent(s -> sb.append(s).append(' '));
            sb.append(lines.get(i).replace("%", "%%"));
        }
        return sb.toString();
    }

    /** The reply as the SMTP client sees it, lines joined by a space; for logs. */
    @Override
    public String toString() {
        return code + enhancedStatus.map(s -> " " + s).orElse("") + " " + String.join(" ", lines);
    }
}
