package org.postern.milter;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command from the MTA to the milter, as decoded from one frame (milter protocol v6; see
 * {@code ../shared/docs/milter-protocol.md} §2). Commands are plain immutable data: they say what arrived on the wire,
 * never what it means. Strings are decoded as ISO-8859-1 so every octet survives a round trip unchanged.
 */
public sealed interface MilterCommand {

    /** The libmilter command letter, e.g. {@code 'C'} for SMFIC_CONNECT. */
    char code();

    /** The libmilter name, e.g. {@code SMFIC_CONNECT}, for log lines. */
    String libmilterName();

    /**
     * Whether the MTA waits for a reply to this command under the negotiated protocol flags (milter-protocol.md §1,
     * §3.3): never for MACRO, ABORT and QUIT, always for OPTNEG and end of message, otherwise unless the event's
     * {@code NR_*} flag was agreed.
     */
    boolean expectsReply(Set<ProtocolFlag> negotiated);

    /** SMFIC_OPTNEG: the MTA's offer; always the first command of a connection. */
    record Negotiate(int version, int actions, int protocol) implements MilterCommand {
        public char code() { return 'O'; }
        public String libmilterName() { return "SMFIC_OPTNEG"; }
        public boolean expectsReply(Set<ProtocolFlag> negotiated) { return true; }
    }

    /**
     * SMFIC_MACRO: macros defined for the command that follows. {@code values} keeps the MTA's order; names are as
     * on the wire (single letters bare, long names in braces: {@code i}, {@code {daemon_name}}).
     */
    record Macro(MacroStage stage, Map<String, String> values) implements MilterCommand {
        public Macro {
            requireNonNull(stage, "stage");
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }
        public char code() { return 'D'; }
        public String libmilterName() { return "SMFIC_MACRO"; }
        public boolean expectsReply(Set<ProtocolFlag> negotiated) { return false; }
    }

    /** SMFIC_CONNECT. For {@link Family#UNKNOWN} the port is 0 and the address empty. */
    record Connect(String hostname, Family family, int port, String address) implements MilterCommand {
        public Connect {
            requireNonNull(hostname, "hostname");
            requireNonNull(family, "family");
            requireNonNull(address, "address");
            if (port < 0 || port > 0xffff) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }
        public char code() { return 'C'; }
        public String libmilterName() { return "SMFIC_CONNECT"; }
        public boolean expectsReply(Set<ProtocolFlag> negotiated) { return !negotiated.contains(ProtocolFlag.NR_CONNECT); }
    }

    /** Address family of {@link Connect}, with its libmilter letter. */
    enum Family {
        INET('4'),   // SMFIA_INET
        INET6('6'),  // SMFIA_INET6
        UNIX('L'),   // SMFIA_UNIX
        UNKNOWN('U'); // SMFIA_UNKNOWN

        private final char letter;

        Family(char letter) { this.letter = letter; }

        public char letter() { return letter; }

        /** The family for a wire letter, or {@code null} when the letter is not one of the four. */
        public static Family ofLetter(char letter) {
            for (Family f : values()) {
                if (f.letter == letter) {
                    return f;
                }
            }
            return null;
        }
    }

    /** SMFIC_HELO: the HELO/EHLO argument. */
    record Helo(String name) implements MilterCommand {
        public Helo { requireNonNull(name, "name"); }
        public char code() { return 'H'; }
        public String libmilterName() { return "SMFIC_HELO"; }
        public boolean expectsReply(Set<ProtocolFlag> negotiated) { return !negotiated.contains(ProtocolFlag.NR_HELO); }
    }

    /** SMFIC_MAIL: the reverse-path as the client wrote it (smtpd: with angle brackets) and its ESMTP arguments. */
    record Mail(String sender, List<String> esmtpArgs) implements MilterCommand {
        public Mail {
            requireNonNull(sender, "sender");
            esmtpArgs = List.copyOf(esmtpArgs);
        }
        public char code() { return 'M'; }
        public String libmilterName() { return "SMFIC_MAIL"; }
        public boolean expectsReply(Set<ProtocolFlag> negotiated) { return !negotiated.contains(ProtocolFlag.NR_MAIL); }
    }

    /** SMFIC_RCPT: one forward-path as the client wrote it and its ESMTP arguments. */
    record Rcpt(String recipient, List<String> esmtpArgs) implements MilterCommand {
        public Rcpt {
            requireNonNull(recipient, "recipient");
            esmtpArgs = List.copyOf(esmtpArgs);
        }
        public char code() { return 'R'; }
        public String libmilterName() { return "SMFIC_RCPT"; }
        public boolean expectsReply(Set<ProtocolFlag> negotiated) { return !negotiated.contains(ProtocolFlag.NR_RCPT); }
    }

    /** SMFIC_DATA. */
    record Data() implements MilterCommand {
        public char code() { return 'T'; }
        public String libmilterName() { return "SMFIC_DATA"; }
        public boolean expectsReply(Set<ProtocolFlag> negotiated) { return !negotiated.contains(ProtocolFlag.NR_DATA); }
    }

    /**
     * SMFIC_HEADER. {@code value} is exactly as sent: without SMFIP_HDR_LEADSPC Postfix has dropped one space after the
     * colon; folded lines are joined by a bare LF (POSTFIX: milter8_header()).
     */
    record Header(String name, String value) implements MilterCommand {
        public Header {
            requireNonNull(name, "name");
            requireNonNull(value, "value");
        }
        public char code() { return 'L'; }
        public String libmilterName() { return "SMFIC_HEADER"; }
        public boolean expectsReply(Set<ProtocolFlag> negotiated) { return !negotiated.contains(ProtocolFlag.NR_HEADER); }
    }

    /** SMFIC_EOH. */
    record EndOfHeaders() implements MilterCommand {
        public char code() { return 'N'; }
        public String libmilterName() { return "SMFIC_EOH"; }
        public boolean expectsReply(Set<ProtocolFlag> negotiated) { return !negotiated.contains(ProtocolFlag.NR_END_OF_HEADERS); }
    }

    /** SMFIC_BODY: one chunk (CRLF line ends, dot-stuffing undone), read-only, at most the frame limit. */
    record Body(ByteBuffer chunk) implements MilterCommand {
        public Body { chunk = chunk.asReadOnlyBuffer(); }
        public char code() { return 'B'; }
        public String libmilterName() { return "SMFIC_BODY"; }
        public boolean expectsReply(Set<ProtocolFlag> negotiated) { return !negotiated.contains(ProtocolFlag.NR_BODY); }
    }

    /** SMFIC_BODYEOB: end of message. A non-empty payload (libmilter allows one) is decoded as a {@link Body} first. */
    record EndOfMessage() implements MilterCommand {
        public char code() { return 'E'; }
        public String libmilterName() { return "SMFIC_BODYEOB"; }
        public boolean expectsReply(Set<ProtocolFlag> negotiated) { return true; }
    }

    /** SMFIC_ABORT: forget the current transaction; connection state stays. */
    record Abort() implements MilterCommand {
        public char code() { return 'A'; }
        public String libmilterName() { return "SMFIC_ABORT"; }
        public boolean expectsReply(Set<ProtocolFlag> negotiated) { return false; }
    }

    /** SMFIC_QUIT: end of the session. */
    record Quit() implements MilterCommand {
        public char code() { return 'Q'; }
        public String libmilterName() { return "SMFIC_QUIT"; }
        public boolean expectsReply(Set<ProtocolFlag> negotiated) { return false; }
    }

    /** SMFIC_QUIT_NC: end of the session, connection reused for a new one (never sent by Postfix). */
    record QuitNewConnection() implements MilterCommand {
        public char code() { return 'K'; }
        public String libmilterName() { return "SMFIC_QUIT_NC"; }
        public boolean expectsReply(Set<ProtocolFlag> negotiated) { return false; }
    }

    /** SMFIC_UNKNOWN: an SMTP command the MTA does not know (Postfix sends only the verb). */
    record Unknown(String command) implements MilterCommand {
        public Unknown { requireNonNull(command, "command"); }
        public char code() { return 'U'; }
        public String libmilterName() { return "SMFIC_UNKNOWN"; }
        public boolean expectsReply(Set<ProtocolFlag> negotiated) { return !negotiated.contains(ProtocolFlag.NR_UNKNOWN); }
    }
}
