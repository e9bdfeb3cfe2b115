package org.postern.milter;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A milter conversation as text: one line per frame, readable, and bijective with the bytes. Golden transcripts in
 * {@code milter-core/src/test/resources/transcripts/*.txt} are written in this format and replayed by
 * {@code TranscriptReplayTest}; {@link #fromWire} turns captured bytes into lines.
 *
 * <h2>Format</h2>
 *
 * <pre>
 * # a comment: any line starting with '#'; blank lines are ignored
 * &gt; OPTNEG version=6 actions=0x1ff protocol=0x1fffff
 * &lt; OPTNEG version=6 actions=0x131 protocol=0x0 symlist.C={client_addr}\s{daemon_name}
 * &gt; MACRO stage=C j=mx.example.test {daemon_name}=ORIGINATING v=Postfix\s3.7.11
 * &gt; CONNECT host=mail.example.test family=4 port=41234 addr=192.0.2.10
 * &lt; CONTINUE
 * &gt; HEADER name=Subject value=hello\n\tworld
 * &gt; BODY Hello world,\r\nbye.\r\n
 * &lt; REPLYCODE 550-5.7.1 first line\r\n550 5.7.1 100%% sure
 * &gt; RAW 000000014f
 * </pre>
 *
 * <p>A line is a direction ({@code >} MTA to milter, {@code <} milter to MTA), a space, the frame's name (the libmilter
 * name without {@code SMFIC_}/{@code SMFIR_}), and its fields:
 *
 * <ul>
 *   <li><b>Field form</b> (most frames): {@code key=value} tokens separated by single spaces, in a fixed order. A value
 *       is escaped: {@code \\} backslash, {@code \s} space, {@code \t}, {@code \n}, {@code \r}, {@code \xHH} for any
 *       other octet below 0x20 or from 0x7f to 0xff, {@code \}{@code uHHHH} for a char above U+00FF. In MACRO the keys
 *       are the macro names (escaped the same way, with {@code =} as {@code \x3d}), after {@code stage=} with the stage
 *       letter. Numbers are decimal, except OPTNEG's masks in lowercase hex with {@code 0x}.</li>
 *   <li><b>Text form</b> (BODY, REPLBODY, REPLYCODE): everything after the name and one space is the payload, escaped
 *       as above except that a space stays a space unless it is the first or last character. An empty BODY or
 *       REPLBODY is the bare name. REPLYCODE shows the exact wire text (CRLF between lines, {@code %} doubled).</li>
 *   <li><b>RAW</b>: {@code RAW} and the frame's bytes in lowercase hex, length field included. Used for any frame that
 *       has no faithful one-line form: malformed or oversized frames, a MACRO for an unknown stage (the decoder drops
 *       it), BODYEOB with a payload (two commands), reply letters without a record, and bytes left after the last
 *       whole frame.</li>
 * </ul>
 *
 * <p>Frames to the milter: {@code OPTNEG version= actions= protocol=}; {@code MACRO stage= name=value...};
 * {@code CONNECT host= family=(4|6|L|U) [port= addr=]} (no port and address for U); {@code HELO host=};
 * {@code MAIL sender= arg=...}; {@code RCPT rcpt= arg=...}; {@code DATA}; {@code HEADER name= value=}; {@code EOH};
 * {@code BODY text}; {@code EOM}; {@code ABORT}; {@code QUIT}; {@code QUIT_NC}; {@code UNKNOWN cmd=}.
 *
 * <p>Frames to the MTA: {@code OPTNEG version= actions= protocol= symlist.X=names...} (X the stage letter, in SMFIM
 * order, names space-separated as on the wire); {@code CONTINUE}, {@code ACCEPT}, {@code REJECT}, {@code TEMPFAIL},
 * {@code DISCARD}, {@code PROGRESS}, {@code SKIP}, {@code SHUTDOWN}; {@code REPLYCODE text};
 * {@code ADDHEADER name= value=}; {@code INSHEADER index= name= value=}; {@code CHGHEADER index= name= value=};
 * {@code CHGFROM sender= [args=]}; {@code ADDRCPT rcpt=}; {@code ADDRCPT_PAR rcpt= args=}; {@code DELRCPT rcpt=};
 * {@code REPLBODY text}; {@code QUARANTINE reason=}.
 *
 * <p>Bijection: for every line {@code l} that {@link #format} produces, {@code fromWire(toWire(parseLine(l)))} formats
 * back to {@code l}; {@link #fromWire} checks this for each frame and falls back to RAW where it would not hold.
 */
public final class Transcript {

    private static final HexFormat HEX = HexFormat.of();

    private Transcript() {}

    /** Which way a frame went. */
    public enum Direction {
        /** {@code >}: from the MTA to the milter (commands). */
        TO_MILTER('>'),
        /** {@code <}: from the milter to the MTA (replies). */
        TO_MTA('<');

        private final char mark;

        Direction(char mark) {
            this.mark = mark;
        }

        public char mark() {
            return mark;
        }
    }

    /** One line of a transcript. */
    public sealed interface Entry {}

    /** {@code >}: a command the decoder produced from one frame. */
    public record Command(MilterCommand command) implements Entry {
        public Command {
            requireNonNull(command, "command");
        }
    }

    /** {@code <}: a reply the encoder turns into one frame. */
    public record Reply(MilterReply reply) implements Entry {
        public Reply {
            requireNonNull(reply, "reply");
        }
    }

    /** A frame shown as bytes (length field included), read-only. */
    public record Raw(Direction direction, ByteBuffer frame) implements Entry {
        public Raw {
            requireNonNull(direction, "direction");
            frame = frame.asReadOnlyBuffer();
        }

        /** The frame's bytes. */
        public byte[] bytes() {
            byte[] bytes = new byte[frame.remaining()];
            frame.duplicate().get(bytes);
            return bytes;
        }
    }

    /** A {@code #} line; {@code text} is what follows the {@code #}. */
    public record Comment(String text) implements Entry {
        public Comment {
            requireNonNull(text, "text");
        }
    }

    // -- reading -----------------------------------------------------------------------------------------------------

    /** Reads a transcript file (UTF-8; the format itself is ASCII). */
    public static List<Entry> read(Path file) throws IOException {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses lines; blank lines are skipped, comments kept.
     *
     * @throws IllegalArgumentException naming the line number and the problem
     */
    public static List<Entry> parse(List<String> lines) {
        List<Entry> entries = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                entries.add(parseLine(line));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return entries;
    }

    /**
     * Parses one non-blank line.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static Entry parseLine(String line) {
        if (line.startsWith("#")) {
            return new Comment(line.substring(1));
        }
        if (line.length() < 3 || line.charAt(1) != ' ' || (line.charAt(0) != '>' && line.charAt(0) != '<')) {
            throw new IllegalArgumentException("expected '> NAME ...', '< NAME ...' or '# comment': " + line);
        }
        Direction direction = line.charAt(0) == '>' ? Direction.TO_MILTER : Direction.TO_MTA;
        int space = line.indexOf(' ', 2);
        String name = space < 0 ? line.substring(2) : line.substring(2, space);
        String rest = space < 0 ? null : line.substring(space + 1);
        if (name.equals("RAW")) {
            if (rest == null) {
                throw new IllegalArgumentException("RAW needs hex bytes");
            }
            return new Raw(direction, ByteBuffer.wrap(HEX.parseHex(rest)));
        }
        return direction == Direction.TO_MILTER
                ? new Command(parseCommand(name, rest))
                : new Reply(parseReply(name, rest));
    }

    private static MilterCommand parseCommand(String name, String rest) {
        switch (name) {
            case "BODY":
                return new MilterCommand.Body(ByteBuffer.wrap(latin1(text(rest))));
            case "MACRO": {
                Fields f = new Fields(rest);
                String stageLetter = f.next("stage");
                MacroStage stage = stageLetter.length() == 1 ? MacroStage.ofCommandCode(stageLetter.charAt(0)) : null;
                if (stage == null) {
                    throw new IllegalArgumentException("unknown macro stage '" + stageLetter + "' (use RAW)");
                }
                Map<String, String> values = new LinkedHashMap<>();
                while (f.hasNext()) {
                    String[] pair = f.nextPair();
                    if (values.put(pair[0], pair[1]) != null) {
                        throw new IllegalArgumentException("macro " + pair[0] + " given twice (use RAW)");
                    }
                }
                return new MilterCommand.Macro(stage, values);
            }
            default:
                break;
        }
        Fields f = new Fields(rest);
        MilterCommand command = switch (name) {
            case "OPTNEG" -> new MilterCommand.Negotiate(f.nextInt("version"), f.nextInt("actions"),
                    f.nextInt("protocol"));
            case "CONNECT" -> {
                String host = f.next("host");
                String letter = f.next("family");
                MilterCommand.Family family = letter.length() == 1
                        ? MilterCommand.Family.ofLetter(letter.charAt(0)) : null;
                if (family == null) {
                    throw new IllegalArgumentException("family must be 4, 6, L or U, not " + letter);
                }
                yield family == MilterCommand.Family.UNKNOWN
                        ? new MilterCommand.Connect(host, family, 0, "")
                        : new MilterCommand.Connect(host, family, f.nextInt("port"), f.next("addr"));
            }
            case "HELO" -> new MilterCommand.Helo(f.next("host"));
            case "MAIL" -> new MilterCommand.Mail(f.next("sender"), f.all("arg"));
            case "RCPT" -> new MilterCommand.Rcpt(f.next("rcpt"), f.all("arg"));
            case "DATA" -> new MilterCommand.Data();
            case "HEADER" -> new MilterCommand.Header(f.next("name"), f.next("value"));
            case "EOH" -> new MilterCommand.EndOfHeaders();
            case "EOM" -> new MilterCommand.EndOfMessage();
            case "ABORT" -> new MilterCommand.Abort();
            case "QUIT" -> new MilterCommand.Quit();
            case "QUIT_NC" -> new MilterCommand.QuitNewConnection();
            case "UNKNOWN" -> new MilterCommand.Unknown(f.next("cmd"));
            default -> throw new IllegalArgumentException("unknown command " + name);
        };
        f.end();
        return command;
    }

    private static MilterReply parseReply(String name, String rest) {
        switch (name) {
            case "REPLYCODE":
                return new MilterReply.ReplyCode(MilterReplyDecoder.parseWireText(text(rest)));
            case "REPLBODY":
                return new MilterReply.ReplaceBody(ByteBuffer.wrap(latin1(text(rest))));
            default:
                break;
        }
        Fields f = new Fields(rest);
        MilterReply reply = switch (name) {
            case "OPTNEG" -> {
                int version = f.nextInt("version");
                int actions = f.nextInt("actions");
                int protocol = f.nextInt("protocol");
                Map<MacroStage, List<String>> lists = new LinkedHashMap<>();
                while (f.hasNext()) {
                    String[] pair = f.nextPair();
                    MacroStage stage = pair[0].startsWith("symlist.") && pair[0].length() == 9
                            ? MacroStage.ofCommandCode(pair[0].charAt(8)) : null;
                    if (stage == null || stage.symbolListIndex() < 0) {
                        throw new IllegalArgumentException("expected symlist.X with a SETSYMLIST stage letter X: "
                                + pair[0]);
                    }
                    if (lists.put(stage, pair[1].isEmpty() ? List.of() : List.of(pair[1].split(" ", -1))) != null) {
                        throw new IllegalArgumentException(pair[0] + " given twice");
                    }
                }
                yield new MilterReply.Negotiation(version, actions, protocol, lists);
            }
            case "CONTINUE" -> MilterReply.CONTINUE;
            case "ACCEPT" -> MilterReply.ACCEPT;
            case "REJECT" -> MilterReply.REJECT;
            case "TEMPFAIL" -> MilterReply.TEMPFAIL;
            case "DISCARD" -> MilterReply.DISCARD;
            case "PROGRESS" -> MilterReply.PROGRESS;
            case "SKIP" -> MilterReply.SKIP;
            case "SHUTDOWN" -> new MilterReply.Shutdown();
            case "ADDHEADER" -> new MilterReply.AddHeader(f.next("name"), f.next("value"));
            case "INSHEADER" -> new MilterReply.InsertHeader(f.nextInt("index"), f.next("name"), f.next("value"));
            case "CHGHEADER" -> new MilterReply.ChangeHeader(f.nextInt("index"), f.next("name"), f.next("value"));
            case "CHGFROM" -> new MilterReply.ChangeSender(f.next("sender"), f.optional("args"));
            case "ADDRCPT" -> new MilterReply.AddRecipient(f.next("rcpt"));
            case "ADDRCPT_PAR" -> new MilterReply.AddRecipientWithArgs(f.next("rcpt"), f.next("args"));
            case "DELRCPT" -> new MilterReply.DeleteRecipient(f.next("rcpt"));
            case "QUARANTINE" -> new MilterReply.Quarantine(f.next("reason"));
            default -> throw new IllegalArgumentException("unknown reply " + name);
        };
        f.end();
        return reply;
    }

    // -- writing -----------------------------------------------------------------------------------------------------

    /** One line per entry. */
    public static List<String> format(List<? extends Entry> entries) {
        return entries.stream().map(Transcript::format).toList();
    }

    /** The line for one entry. */
    public static String format(Entry entry) {
        if (entry instanceof Command c) {
            return format(c.command());
        } else if (entry instanceof Reply r) {
            return format(r.reply());
        } else if (entry instanceof Raw raw) {
            return raw.direction().mark() + " RAW " + HEX.formatHex(raw.bytes());
        } else {
            return "#" + ((Comment) entry).text();
        }
    }

    /** The {@code >} line of a command. */
    public static String format(MilterCommand command) {
        Line line = new Line('>');
        if (command instanceof MilterCommand.Negotiate n) {
            line.name("OPTNEG").field("version", Integer.toUnsignedString(n.version()))
                    .field("actions", hex(n.actions())).field("protocol", hex(n.protocol()));
        } else if (command instanceof MilterCommand.Macro m) {
            line.name("MACRO").field("stage", String.valueOf(m.stage().commandCode()));
            m.values().forEach(line::field);
        } else if (command instanceof MilterCommand.Connect c) {
            line.name("CONNECT").field("host", c.hostname()).field("family", String.valueOf(c.family().letter()));
            if (c.family() != MilterCommand.Family.UNKNOWN) {
                line.field("port", Integer.toString(c.port())).field("addr", c.address());
            }
        } else if (command instanceof MilterCommand.Helo h) {
            line.name("HELO").field("host", h.name());
        } else if (command instanceof MilterCommand.Mail m) {
            line.name("MAIL").field("sender", m.sender());
            m.esmtpArgs().forEach(arg -> line.field("arg", arg));
        } else if (command instanceof MilterCommand.Rcpt r) {
            line.name("RCPT").field("rcpt", r.recipient());
            r.esmtpArgs().forEach(arg -> line.field("arg", arg));
        } else if (command instanceof MilterCommand.Data) {
            line.name("DATA");
        } else if (command instanceof MilterCommand.Header h) {
            line.name("HEADER").field("name", h.name()).field("value", h.value());
        } else if (command instanceof MilterCommand.EndOfHeaders) {
            line.name("EOH");
        } else if (command instanceof MilterCommand.Body b) {
            line.name("BODY").text(latin1(b.chunk()));
        } else if (command instanceof MilterCommand.EndOfMessage) {
            line.name("EOM");
        } else if (command instanceof MilterCommand.Abort) {
            line.name("ABORT");
        } else if (command instanceof MilterCommand.Quit) {
            line.name("QUIT");
        } else if (command instanceof MilterCommand.QuitNewConnection) {
            line.name("QUIT_NC");
        } else if (command instanceof MilterCommand.Unknown u) {
            line.name("UNKNOWN").field("cmd", u.command());
        } else {
            throw new IllegalArgumentException("no line form for " + command);
        }
        return line.toString();
    }

    /** The {@code <} line of a reply. */
    public static String format(MilterReply reply) {
        Line line = new Line('<');
        if (reply instanceof MilterReply.Negotiation n) {
            line.name("OPTNEG").field("version", Integer.toUnsignedString(n.version()))
                    .field("actions", hex(n.actions())).field("protocol", hex(n.protocol()));
            n.macroRequests().entrySet().stream()
                    .sorted(Comparator.comparingInt(e -> e.getKey().symbolListIndex()))
                    .forEach(e -> line.field("symlist." + e.getKey().commandCode(), String.join(" ", e.getValue())));
        } else if (reply instanceof MilterReply.ReplyCode r) {
            line.name("REPLYCODE").text(r.reply().wireText());
        } else if (reply instanceof MilterReply.AddHeader h) {
            line.name("ADDHEADER").field("name", h.name()).field("value", h.value());
        } else if (reply instanceof MilterReply.InsertHeader h) {
            line.name("INSHEADER").field("index", Integer.toString(h.index())).field("name", h.name())
                    .field("value", h.value());
        } else if (reply instanceof MilterReply.ChangeHeader h) {
            line.name("CHGHEADER").field("index", Integer.toString(h.index())).field("name", h.name())
                    .field("value", h.value());
        } else if (reply instanceof MilterReply.ChangeSender c) {
            line.name("CHGFROM").field("sender", c.sender());
            c.esmtpArgs().ifPresent(args -> line.field("args", args));
        } else if (reply instanceof MilterReply.AddRecipient r) {
            line.name("ADDRCPT").field("rcpt", r.recipient());
        } else if (reply instanceof MilterReply.AddRecipientWithArgs r) {
            line.name("ADDRCPT_PAR").field("rcpt", r.recipient()).field("args", r.esmtpArgs());
        } else if (reply instanceof MilterReply.DeleteRecipient r) {
            line.name("DELRCPT").field("rcpt", r.recipient());
        } else if (reply instanceof MilterReply.ReplaceBody b) {
            line.name("REPLBODY").text(latin1(b.body()));
        } else if (reply instanceof MilterReply.Quarantine q) {
            line.name("QUARANTINE").field("reason", q.reason());
        } else {
            line.name(switch (reply.code()) {
                case 'c' -> "CONTINUE";
                case 'a' -> "ACCEPT";
                case 'r' -> "REJECT";
                case 't' -> "TEMPFAIL";
                case 'd' -> "DISCARD";
                case 'p' -> "PROGRESS";
                case 's' -> "SKIP";
                case '4' -> "SHUTDOWN";
                default -> throw new IllegalArgumentException("no line form for " + reply);
            });
        }
        return line.toString();
    }

    // -- bytes -------------------------------------------------------------------------------------------------------

    /**
     * The bytes an entry stands for: a command's frame (as the MTA writes it), a reply's frame(s) (as
     * {@code MilterReplyEncoder} writes them), a RAW frame's bytes; nothing for a comment.
     */
    public static byte[] toWire(Entry entry) {
        if (entry instanceof Command c) {
            return MilterCommandEncoder.frame(c.command());
        } else if (entry instanceof Reply r) {
            ByteBuf buf = Unpooled.buffer();
            try {
                MilterReplyEncoder.encode(r.reply(), buf);
                return ByteBufUtil.getBytes(buf);
            } finally {
                buf.release();
            }
        } else if (entry instanceof Raw raw) {
            return raw.bytes();
        }
        return new byte[0];
    }

    /**
     * Splits a captured byte stream of one direction into frames and gives each its line: a command (decoded by
     * {@code MilterCommandDecoder}) or a reply (decoded by {@link MilterReplyDecoder}) when that line encodes back to
     * exactly the frame's bytes, otherwise RAW. A bad length field makes the rest of the stream one RAW entry.
     */
    public static List<Entry> fromWire(Direction direction, byte[] stream) {
        List<Entry> entries = new ArrayList<>();
        int at = 0;
        while (at < stream.length) {
            long length = stream.length - at >= 4
                    ? Integer.toUnsignedLong(ByteBuffer.wrap(stream, at, 4).getInt()) : -1;
            if (length <= 0 || length > stream.length - at - 4) {
                entries.add(new Raw(direction, ByteBuffer.wrap(Arrays.copyOfRange(stream, at, stream.length))));
                break;
            }
            byte[] frame = Arrays.copyOfRange(stream, at, at + 4 + (int) length);
            entries.add(entry(direction, frame));
            at += frame.length;
        }
        return entries;
    }

    private static Entry entry(Direction direction, byte[] frame) {
        Optional<Entry> decoded;
        try {
            decoded = direction == Direction.TO_MILTER ? decodeCommand(frame) : Optional.of(
                    new Reply(MilterReplyDecoder.decodeFrame(Arrays.copyOfRange(frame, 4, frame.length))));
        } catch (DecoderException e) {
            decoded = Optional.empty();
        }
        // Keep the line only if it is faithful: line -> entry -> bytes gives this very frame back.
        Optional<Entry> faithful = decoded.filter(e -> {
            try {
                return Arrays.equals(toWire(parseLine(format(e))), frame);
            } catch (IllegalArgumentException notRepresentable) {
                return false;
            }
        });
        return faithful.orElseGet(() -> new Raw(direction, ByteBuffer.wrap(frame)));
    }

    private static Optional<Entry> decodeCommand(byte[] frame) {
        List<Object> out = new ArrayList<>(2);
        MilterCommandDecoder.decodeFrame(Unpooled.wrappedBuffer(frame, 4, frame.length - 4), out);
        return out.size() == 1 ? Optional.of(new Command((MilterCommand) out.get(0))) : Optional.empty();
    }

    // -- escaping ----------------------------------------------------------------------------------------------------

    /** Escapes {@code s}; in field form every space is {@code \s}, in text form only a first or last one. */
    static String escape(String s, boolean field, boolean key) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case ' ' -> sb.append(field || i == 0 || i == s.length() - 1 ? "\\s" : " ");
                default -> {
                    if (c > 0xff) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else if (c < 0x20 || c >= 0x7f || (key && c == '=')) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    /** The inverse of {@link #escape}. */
    static String unescape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (++i >= s.length()) {
                throw new IllegalArgumentException("backslash at the end of '" + s + "'");
            }
            switch (s.charAt(i)) {
                case '\\' -> sb.append('\\');
                case 's' -> sb.append(' ');
                case 't' -> sb.append('\t');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 'x' -> {
                    sb.append((char) hexAt(s, i + 1, 2));
                    i += 2;
                }
                case 'u' -> {
                    sb.append((char) hexAt(s, i + 1, 4));
                    i += 4;
                }
                default -> throw new IllegalArgumentException("unknown escape \\" + s.charAt(i) + " in '" + s + "'");
            }
        }
        return sb.toString();
    }

    private static int hexAt(String s, int from, int digits) {
        if (from + digits > s.length()) {
            throw new IllegalArgumentException("truncated escape in '" + s + "'");
        }
        try {
            return HexFormat.fromHexDigits(s, from, from + digits);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad hex escape in '" + s + "'", e);
        }
    }

    private static String text(String rest) {
        if (rest == null) {
            return "";
        }
        if (rest.isEmpty() || rest.startsWith(" ") || rest.endsWith(" ")) {
            throw new IllegalArgumentException("text must not start or end with a literal space (write \\s)");
        }
        return unescape(rest);
    }

    private static String hex(int mask) {
        return "0x" + Integer.toHexString(mask);
    }

    private static String latin1(ByteBuffer bytes) {
        ByteBuffer b = bytes.duplicate();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return new String(a, StandardCharsets.ISO_8859_1);
    }

    private static byte[] latin1(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xff) {
                throw new IllegalArgumentException("raw bytes cannot hold U+" + Integer.toHexString(s.charAt(i)));
            }
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Builds one line. */
    private static final class Line {
        private final StringBuilder sb = new StringBuilder();

        Line(char mark) {
            sb.append(mark).append(' ');
        }

        Line name(String name) {
            sb.append(name);
            return this;
        }

        Line field(String key, String value) {
            sb.append(' ').append(escape(key, true, true)).append('=').append(escape(value, true, false));
            return this;
        }

        Line text(String text) {
            if (!text.isEmpty()) {
                sb.append(' ').append(escape(text, false, false));
            }
            return this;
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }

    /** Reads {@code key=value} tokens in order. */
    private static final class Fields {
        private final List<String[]> pairs = new ArrayList<>();
        private int next;

        Fields(String rest) {
            if (rest == null) {
                return;
            }
            for (String token : rest.split(" ", -1)) {
                int eq = token.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("expected key=value, not '" + token + "'");
                }
                pairs.add(new String[] {unescape(token.substring(0, eq)), unescape(token.substring(eq + 1))});
            }
        }

        boolean hasNext() {
            return next < pairs.size();
        }

        String[] nextPair() {
            return pairs.get(next++);
        }

        String next(String key) {
            if (!hasNext() || !pairs.get(next)[0].equals(key)) {
                throw new IllegalArgumentException("expected " + key + "=" + (hasNext()
                        ? ", not " + pairs.get(next)[0] + "=" : " at the end of the line"));
            }
            return pairs.get(next++)[1];
        }

        int nextInt(String key) {
            String value = next(key);
            try {
                long n = value.startsWith("0x") ? Long.parseLong(value.substring(2), 16) : Long.parseLong(value);
                if (n < 0 || n > 0xffffffffL) {
                    throw new NumberFormatException("out of u32 range");
                }
                return (int) n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + "=" + value + " is not a u32", e);
            }
        }

        Optional<String> optional(String key) {
            return hasNext() && pairs.get(next)[0].equals(key) ? Optional.of(next(key)) : Optional.empty();
        }

        List<String> all(String key) {
            List<String> values = new ArrayList<>();
            while (hasNext() && pairs.get(next)[0].equals(key)) {
                values.add(next(key));
            }
            return values;
        }

        void end() {
            if (hasNext()) {
                throw new IllegalArgumentException("unexpected " + pairs.get(next)[0] + "=");
            }
        }
    }
}
