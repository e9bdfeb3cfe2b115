package org.postern.config;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * An SMTP reply written in the configuration, such as {@code "550 5.7.1 Message rejected as spam"}.
 *
 * <p>The rules are those of {@code org.postern.milter.SmtpReply}, which this module must not depend on, and of
 * Postfix's {@code milter8_valid_smtp_reply()}, which treats a milter that breaks them as misconfigured: a 4xx or 5xx
 * code; an optional RFC 3463 enhanced status code {@code class.subject.detail} whose class equals the code's first
 * digit ({@code 550 5.7.1}, never {@code 550 4.7.1}); text of printable US-ASCII. A newline in the text starts another
 * line of a multi-line reply ({@code 550-5.7.1 first}, {@code 550 5.7.1 last}, RFC 5321 §4.2.1). A {@code %} is
 * allowed and means itself: the daemon doubles it on the wire, because Postfix drops a lone {@code %}. Each reply
 * line must fit RFC 5321 §4.5.3.1.5's 512 octets with its CRLF.
 *
 * <p>The daemon turns a ReplyText into an {@code SmtpReply} with {@code SmtpReply.parse(reply.toString())}, or with
 * {@code code}, {@code enhancedStatus} (empty means none) and {@code text}.
 *
 * @param code           400..599
 * @param enhancedStatus {@code "5.7.1"}, or {@code ""} for none; never null
 * @param text           the human-readable text, at least one character, lines separated by {@code \n}; never null
 * @throws IllegalArgumentException with a sentence, if a rule above is broken
 */
public record ReplyText(int code, String enhancedStatus, String text) {

    private static final Pattern ENHANCED = Pattern.compile("([245])\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern LOOKS_ENHANCED = Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    private static final int MAX_LINE = 510;   // RFC 5321 §4.5.3.1.5: 512 octets including CRLF

    public ReplyText {
        requireNonNull(enhancedStatus, "enhancedStatus");
        requireNonNull(text, "text");
        if (code < 400 || code > 599) {
            throw InvalidValueException.ofValue("must have a 4xx or 5xx reply code, not " + code);
        }
        if (!enhancedStatus.isEmpty()) {
            var m = ENHANCED.matcher(enhancedStatus);
            if (!m.matches()) {
                throw InvalidValueException.ofValue("must have an enhanced status code like " + code / 100
                        + ".7.1 (RFC 3463), not " + Checks.quote(enhancedStatus));
            }
            // RFC 3463 §2 and POSTFIX milter8_valid_smtp_reply(): the class must match the reply code's class.
            if (m.group(1).charAt(0) - '0' != code / 100) {
                throw InvalidValueException.ofValue("has enhanced status code " + enhancedStatus
                        + ", whose class does not match reply code " + code + "; write " + code / 100 + "."
                        + m.group(2) + "." + m.group(3));
            }
        }
        if (text.isEmpty()) {
            throw InvalidValueException.ofValue("must have text after the code, as in \"" + code + " "
                    + (enhancedStatus.isEmpty() ? "" : enhancedStatus + " ") + "Message rejected\"");
        }
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String where = lines.length == 1 ? "of the text" : "of line " + (i + 1) + " of the text";
            if (line.isEmpty() && lines.length > 1) {
                throw InvalidValueException.ofValue("has an empty line " + (i + 1) + "; every line needs text");
            }
            int bad = Checks.firstNonPrintable(line);
            if (bad >= 0) {
                throw InvalidValueException.ofValue(String.format(
                        "must be printable US-ASCII, lines separated by \\n; character U+%04X at position %d %s is not",
                        (int) line.charAt(bad), bad + 1, where));
            }
            // POSTFIX: milter8_valid_smtp_reply() reads a digit after "550 " as an enhanced status code and refuses
            // the reply unless its class matches ("550 10 points" is malformed); then Postfix fails the milter open.
            if (enhancedStatus.isEmpty() && !line.isEmpty() && Character.isDigit(line.charAt(0))) {
                throw InvalidValueException.ofValue("must not start its text with a digit unless it has an enhanced"
                        + " status code (Postfix would take \"" + line.split(" ", 2)[0] + "\" for one and refuse the"
                        + " reply); write \"" + code + " " + code / 100 + ".7.1 " + line + "\"");
            }
            int length = 4 + (enhancedStatus.isEmpty() ? 0 : enhancedStatus.length() + 1) + line.length();
            if (length > MAX_LINE) {
                throw InvalidValueException.ofValue("must fit SMTP reply lines of " + MAX_LINE
                        + " characters (RFC 5321); line " + (i + 1) + " has " + length);
            }
        }
    }

    /**
     * Parses {@code "550 5.7.1 text"} or {@code "451 text"}.
     *
     * @throws IllegalArgumentException with a sentence saying what is wrong
     */
    public static ReplyText parse(String reply) {
        requireNonNull(reply, "reply");
        String[] parts = reply.split(" ", 3);
        if (parts.length < 2 || !parts[0].matches("\\d{3}")) {
            throw InvalidValueException.ofValue("must be an SMTP reply: a three-digit code, an optional enhanced"
                    + " status code and text, as in \"550 5.7.1 Message rejected\", not " + Checks.quote(reply));
        }
        int code = Integer.parseInt(parts[0]);
        if (LOOKS_ENHANCED.matcher(parts[1]).matches()) {
            return new ReplyText(code, parts[1], parts.length == 3 ? parts[2] : "");
        }
        return new ReplyText(code, "", reply.substring(4));
    }

    /** Whether this is a temporary failure (4xx) rather than a permanent one (5xx). */
    public boolean isTemporary() {
        return code < 500;
    }

    /** {@code "550 5.7.1 text"} or {@code "451 text"}, with {@code %} as written; {@link #parse} reads it back. */
    @Override
    public String toString() {
        return code + " " + (enhancedStatus.isEmpty() ? "" : enhancedStatus + " ") + text;
    }
}
