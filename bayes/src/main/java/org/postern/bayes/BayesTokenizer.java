package org.postern.bayes;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.parser.AbstractContentHandler;
import org.apache.james.mime4j.parser.MimeStreamParser;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.util.CharsetUtil;

/**
 * Turns a raw RFC 5322 message into the distinct tokens a Bayes classifier counts.
 *
 * <p>The message is parsed with Apache Mime4j: base64 and quoted-printable bodies are decoded, text parts are read in
 * their declared charset (undeclared 8-bit text is tried as UTF-8, then windows-1252), HTML is reduced to text by
 * {@link HtmlText}, and nested {@code message/rfc822} parts are entered. Text goes through Lucene's
 * {@code UAX29URLEmailTokenizer}, {@code CJKBigramFilter} and lower-casing. Only the first
 * {@link TokenizerSettings#maxBytesScanned()} bytes are read, so the work per message is bounded.
 *
 * <p>Token prefixes (every token has exactly one; the prefix is part of the token):
 * <ul>
 *   <li>{@code w:word} body word; {@code b:w1|w2} adjacent body words, {@code b3:w1|w2} words 3 apart (orthogonal
 *       sparse bigrams, window {@link TokenizerSettings#bigramWindow()}); {@code skip:c:40} a word of 40–49 chars
 *       starting with c</li>
 *   <li>{@code u:host/path} URL without scheme, {@code uh:host} URL or HTML link host and each parent domain,
 *       {@code e:addr} and {@code eh:domain} e-mail addresses in text</li>
 *   <li>{@code subject:word}; {@code h:from:addr}, {@code h:from:domain}, {@code h:from-name:word}, the same for
 *       {@code h:reply-to:}; {@code h:received:host} and each parent domain, {@code h:received:ip:a.b.c} (the /24);
 *       {@code h:message-id:domain}; {@code h:date:zone:+0200} (or {@code none}); {@code h:x-mailer:value} (also
 *       User-Agent); {@code h:content-type:type}, {@code h:charset:cs}; {@code h:rcpt-count:n} (To + Cc addresses,
 *       bucketed 0,1,2,3-5,6-10,11+)</li>
 *   <li>{@code ct:type/subtype} for every part, {@code charset:cs} declared text charsets, {@code cte:encoding},
 *       {@code att:name:file.pdf}, {@code att:ext:pdf} attachment names;
 *       {@code mime:malformed} when parsing stopped</li>
 * </ul>
 *
 * <p>Lucene recognises a bare host name ({@code shop.example.net}) or an address only when it ends in a top-level
 * domain from its IANA list; with a scheme ({@code http://x.example/}) any host is a URL. Other dotted strings stay
 * words ({@code w:support.example}).
 *
 * <p>Thread-safe: one instance serves all threads. The Lucene analyzer keeps one token stream per thread.
 */
public final class BayesTokenizer {

    /** Received headers beyond the first few are hops inside the sender's network and add nothing but work. */
    static final int MAX_RECEIVED_HEADERS = 8;
    static final int MAX_HEADER_VALUE_CHARS = 60;

    private static final Pattern ADDRESS = Pattern.compile("[^\\s<>\"(),;:\\[\\]]+@[^\\s<>\"(),;:\\[\\]]+");
    private static final MimeConfig MIME_CONFIG = MimeConfig.custom()
            .setMaxLineLen(-1).setMaxHeaderCount(-1).setMaxHeaderLen(-1).setMaxContentLen(-1)
            .setMalformedHeaderStartsBody(true).build();

    private final TokenizerSettings settings;
    private final TextAnalyzer analyzer = new TextAnalyzer();

    private BayesTokenizer(TokenizerSettings settings) {
        this.settings = requireNonNull(settings, "settings");
    }

    /** A tokenizer with the given limits. */
    public static BayesTokenizer create(TokenizerSettings settings) {
        return new BayesTokenizer(settings);
    }

    /** The settings this tokenizer was created with. */
    public TokenizerSettings settings() {
        return settings;
    }

    /**
     * The distinct tokens of a raw message. Never fails on malformed MIME: parsing stops, the tokens found so far are
     * returned, and {@code mime:malformed} is added.
     */
    public MessageTokens tokenize(byte[] message) {
        return run(new ByteArrayInputStream(message), false).tokens();
    }

    /**
     * The distinct tokens of the raw message read from {@code in}. At most {@link TokenizerSettings#maxBytesScanned()}
     * bytes are read; the stream is not closed.
     *
     * @throws IOException when {@code in} fails (malformed MIME is not an error, see {@link #tokenize(byte[])})
     */
    public MessageTokens tokenize(InputStream in) throws IOException {
        return readAll(in, false).tokens();
    }

    /**
     * The token strings of a raw message, sorted: what {@link #tokenize(byte[])} hashes, for people and tests
     * ({@code w:cheap}, {@code b:cheap|pills}, {@code subject:free}, ...). Slower than {@code tokenize}.
     */
    public List<String> explain(byte[] message) {
        return run(new ByteArrayInputStream(message), true).names();
    }

    private TokenSink run(InputStream in, boolean explain) {
        try {
            return readAll(in, explain);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a byte array cannot fail", e);
        }
    }

    private TokenSink readAll(InputStream in, boolean explain) throws IOException {
        var sink = new TokenSink(analyzer, settings, explain);
        var handler = new Handler(sink);
        var parser = new MimeStreamParser(MIME_CONFIG, DecodeMonitor.SILENT, null);      // null: the basic descriptor
        parser.setContentDecoding(true);
        parser.setRecurse();
        parser.setContentHandler(handler);
        try {
            parser.parse(withoutEnvelopeLine(new Bounded(in, settings.maxBytesScanned())));
        } catch (MimeException malformed) {
            sink.add("mime:malformed");
        }
        return sink;
    }

    /**
     * The stream after a leading mbox envelope line ({@code From sender date}), which files cut from an mbox and some
     * MDAs' deliveries start with. It is not a header field, so Mime4j would take the whole header for the body.
     */
    static InputStream withoutEnvelopeLine(InputStream in) throws IOException {
        var buffered = new BufferedInputStream(in, 8192);
        buffered.mark(ENVELOPE_LINE.length);
        byte[] start = buffered.readNBytes(ENVELOPE_LINE.length);
        if (!Arrays.equals(start, ENVELOPE_LINE)) {
            buffered.reset();
            return buffered;
        }
        for (int b = buffered.read(); b >= 0 && b != '\n'; b = buffered.read()) {
            // skip the rest of the envelope line
        }
        return buffered;
    }

    private static final byte[] ENVELOPE_LINE = "From ".getBytes(StandardCharsets.US_ASCII);

    /** Collects tokens from Mime4j's parse events. */
    private static final class Handler extends AbstractContentHandler {
        private final TokenSink sink;
        private boolean inTopHeader;
        private boolean topHeaderDone;
        private int received;
        private int recipients;
        /** The charset parameter and attachment file name of the part whose header is being read. */
        private String partCharset;
        private String partFileName;

        Handler(TokenSink sink) {
            this.sink = sink;
        }

        @Override
        public void startHeader() {
            inTopHeader = !topHeaderDone;
            partCharset = null;
            partFileName = null;
        }

        @Override
        public void endHeader() {
            if (inTopHeader) {
                sink.add("h:rcpt-count:" + bucket(recipients));
            }
            inTopHeader = false;
            topHeaderDone = true;
        }

        @Override
        public void field(Field field) {
            if (sink.full()) {
                return;
            }
            String name = field.getName().toLowerCase(Locale.ROOT);
            // Each case reads the body itself (body(field)): Mime4j unfolds and decodes it on every getBody(), and
            // most fields (X-*, List-*, DKIM-Signature) give no token, so theirs is never read.
            // Mime4j's full descriptor runs a JavaCC parser per Content-Type (a third of the tokenizer's time): the
            // two parameters needed are read here instead.
            String contentType = null;
            if (name.equals("content-type")) {
                contentType = body(field);
                partCharset = MimeParameters.get(contentType, "charset");
                if (partFileName == null) {
                    partFileName = MimeParameters.get(contentType, "name");
                }
            } else if (name.equals("content-disposition")) {
                String fileName = MimeParameters.get(body(field), "filename");
                partFileName = fileName != null ? fileName : partFileName;
            }
            if (!inTopHeader) {
                return;
            }
            switch (name) {
                case "from", "reply-to" -> address("h:" + name + ":", decode(body(field)));
                case "subject" -> sink.text(decode(body(field)), "subject:", false);
                case "received" -> {
                    if (received++ < MAX_RECEIVED_HEADERS) {
                        receivedHosts(body(field).toLowerCase(Locale.ROOT));
                    }
                }
                case "message-id" -> {
                    String raw = body(field);
                    int at = raw.lastIndexOf('@');
                    int end = raw.indexOf('>', at + 1);
                    if (at >= 0) {
                        sink.add("h:message-id:"
                                + raw.substring(at + 1, end > at ? end : raw.length()).trim().toLowerCase(Locale.ROOT));
                    }
                }
                case "date" -> sink.add("h:date:zone:" + dateZone(body(field)));
                case "x-mailer", "user-agent" -> sink.add("h:x-mailer:" + normalized(decode(body(field))));
                case "content-type" -> {
                    String lower = contentType.toLowerCase(Locale.ROOT);
                    int semi = lower.indexOf(';');
                    sink.add("h:content-type:" + (semi < 0 ? lower : lower.substring(0, semi)).trim());
                    if (partCharset != null) {
                        sink.add("h:charset:" + partCharset.toLowerCase(Locale.ROOT));
                    }
                }
                case "to", "cc" -> {
                    String raw = body(field);
                    for (int at = raw.indexOf('@'); at >= 0; at = raw.indexOf('@', at + 1)) {
                        recipients++;
                    }
                }
                default -> {
                    // Other fields were measured as all-header and header-name tokens: both lowered the
                    // accuracy on the SpamAssassin corpus (docs/BENCHMARKS.md).
                }
            }
        }

        private void address(String prefix, String value) {
            Matcher m = ADDRESS.matcher(value);
            if (m.find()) {
                String address = m.group().toLowerCase(Locale.ROOT);
                sink.add(prefix + address);
                sink.add(prefix + address.substring(address.lastIndexOf('@') + 1));
                String displayName = value.substring(0, m.start()) + " " + value.substring(m.end());
                sink.text(displayName, prefix.substring(0, prefix.length() - 1) + "-name:", false);
            } else {
                sink.text(value, prefix.substring(0, prefix.length() - 1) + "-name:", false);
            }
        }

        /** A field's body as Mime4j gives it (folded, not decoded); empty when it has none. */
        private static String body(Field field) {
            return field.getBody() == null ? "" : field.getBody();
        }

        /** Host names and IPv4 /24s in a Received field: runs of [a-z0-9.-] that look like either. */
        private void receivedHosts(String value) {
            int n = value.length();
            int i = 0;
            while (i < n) {
                while (i < n && !hostChar(value.charAt(i))) {
                    i++;
                }
                int start = i;
                while (i < n && hostChar(value.charAt(i))) {
                    i++;
                }
                String run = trimDots(value.substring(start, i));
                String ip = ipv4Slash24(run);
                if (ip != null) {
                    sink.add("h:received:ip:" + ip);
                } else if (isHostName(run)) {
                    sink.host("h:received:", run);
                }
            }
        }

        @Override
        public void startMultipart(BodyDescriptor bd) {
            sink.add("ct:" + bd.getMimeType().toLowerCase(Locale.ROOT));
        }

        @Override
        public void body(BodyDescriptor bd, InputStream decoded) throws IOException {
            if (sink.full()) {
                return;
            }
            String mimeType = bd.getMimeType().toLowerCase(Locale.ROOT);
            sink.add("ct:" + mimeType);
            if (bd.getTransferEncoding() != null) {
                sink.add("cte:" + bd.getTransferEncoding().toLowerCase(Locale.ROOT));
            }
            String declaredCharset = partCharset;
            String fileName = partFileName;
            if (fileName != null && !fileName.isBlank()) {
                attachment(decode(fileName).trim().toLowerCase(Locale.ROOT));
            }
            if (!mimeType.startsWith("text/")) {
                return;                                       // binary parts are known by their type and name only
            }
            if (declaredCharset != null) {
                sink.add("charset:" + declaredCharset.toLowerCase(Locale.ROOT));
            }
            String text = decodeText(decoded.readAllBytes(), declaredCharset);
            if (mimeType.equals("text/html")) {
                text = HtmlText.strip(text, host -> sink.host(TokenSink.UH, host));
            }
            sink.text(text, "w:", true);
        }

        private void attachment(String name) {
            sink.add("att:name:" + (name.length() > MAX_HEADER_VALUE_CHARS
                    ? name.substring(name.length() - MAX_HEADER_VALUE_CHARS) : name));
            int dot = name.lastIndexOf('.');
            if (dot >= 0 && dot < name.length() - 1 && name.length() - dot <= 10) {
                sink.add("att:ext:" + name.substring(dot + 1));
            }
        }
    }

    /** Unfolded (each run of whitespace one space), RFC 2047 encoded words decoded; a malformed word stays. */
    static String decode(String value) {
        String unfolded = collapseWhitespace(value);
        return unfolded.indexOf("=?") < 0 ? unfolded : DecoderUtil.decodeEncodedWords(unfolded, DecodeMonitor.SILENT);
    }

    static String normalized(String value) {
        String v = collapseWhitespace(value).trim().toLowerCase(Locale.ROOT);
        return v.length() > MAX_HEADER_VALUE_CHARS ? v.substring(0, MAX_HEADER_VALUE_CHARS) : v;
    }

    /** Each run of whitespace (folding included) as one space. */
    static String collapseWhitespace(String value) {
        var sb = new StringBuilder(value.length());
        boolean space = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                space = true;
            } else {
                if (space && sb.length() > 0) {
                    sb.append(' ');
                }
                space = false;
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean hostChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    }

    private static String trimDots(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == '.' || s.charAt(start) == '-')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == '.' || s.charAt(end - 1) == '-')) {
            end--;
        }
        return s.substring(start, end);
    }

    /** "a.b.c" of a dotted-quad IPv4 address a.b.c.d (each 0-255), else null. */
    static String ipv4Slash24(String s) {
        int[] octets = new int[4];
        int part = 0;
        int digits = 0;
        int lastDot = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                octets[part] = octets[part] * 10 + (c - '0');
                if (++digits > 3 || octets[part] > 255) {
                    return null;
                }
            } else if (c == '.' && digits > 0 && part < 3) {
                part++;
                digits = 0;
                lastDot = i;
            } else {
                return null;
            }
        }
        return part == 3 && digits > 0 ? s.substring(0, lastDot) : null;
    }

    /** At least two labels of letters, digits and inner hyphens, at most 63 each, the last alphabetic (2-63). */
    static boolean isHostName(String s) {
        int dot = s.lastIndexOf('.');
        if (dot <= 0 || s.length() - dot - 1 < 2) {
            return false;
        }
        for (int i = dot + 1; i < s.length(); i++) {
            if (s.charAt(i) < 'a' || s.charAt(i) > 'z') {
                return false;
            }
        }
        int labelStart = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == '.') {
                int length = i - labelStart;
                if (length < 1 || length > 63 || s.charAt(labelStart) == '-' || s.charAt(i - 1) == '-') {
                    return false;
                }
                labelStart = i + 1;
            }
        }
        return true;
    }

    /** Text in its declared charset; undeclared or unknown: UTF-8 if the bytes are valid UTF-8, else windows-1252. */
    static String decodeText(byte[] bytes, String declaredCharset) {
        Charset charset = declaredCharset == null ? null : CharsetUtil.lookup(declaredCharset.trim());
        if (charset != null && !charset.equals(StandardCharsets.US_ASCII)) {
            return new String(bytes, charset);                // malformed sequences become U+FFFD
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notUtf8) {
            return new String(bytes, Charset.forName("windows-1252"));
        }
    }

    /**
     * The zone of a Date field (RFC 5322 §3.3): {@code +0200}, {@code edt}, or {@code none} — bulk mailers often write
     * no zone or a malformed one.
     */
    static String dateZone(String value) {
        String v = collapseWhitespace(value).trim();
        int comment = v.indexOf('(');
        if (comment >= 0) {
            v = v.substring(0, comment).trim();
        }
        String last = v.substring(v.lastIndexOf(' ') + 1);
        boolean numeric = last.length() == 5 && (last.charAt(0) == '+' || last.charAt(0) == '-')
                && last.substring(1).chars().allMatch(c -> c >= '0' && c <= '9');
        boolean named = !last.isEmpty() && last.length() <= 5 && last.chars().allMatch(Character::isLetter);
        return numeric || named ? last.toLowerCase(Locale.ROOT) : "none";
    }

    static String bucket(int n) {
        if (n <= 2) {
            return Integer.toString(n);
        }
        return n <= 5 ? "3-5" : n <= 10 ? "6-10" : "11+";
    }

    /** Reads at most {@code limit} bytes, then reports end of stream: the message is tokenized as if it ended there. */
    private static final class Bounded extends FilterInputStream {
        private long remaining;

        Bounded(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, remaining));
            remaining -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), remaining);
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public void close() {
            // The caller owns the stream.
        }
    }
}
