package org.postern.bayes;

import static java.util.Objects.requireNonNull;

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
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.message.DefaultBodyDescriptorBuilder;
import org.apache.james.mime4j.message.MaximalBodyDescriptor;
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
 *       {@code h:reply-to:}; {@code h:received:host}, {@code h:received:ip:a.b.c} (the /24);
 *       {@code h:message-id:domain}; {@code h:x-mailer:value} (also User-Agent); {@code h:content-type:type},
 *       {@code h:charset:cs}; {@code h:rcpt-count:n} (To + Cc addresses, bucketed 0,1,2,3-5,6-10,11+)</li>
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
    private static final Pattern HOST = Pattern.compile(
            "(?<![\\w.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63})(?![\\w-])");
    private static final Pattern IPV4 = Pattern.compile(
            "(?<![\\d.])(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.\\d{1,3}(?![\\d.])");
    private static final Pattern CHARSET = Pattern.compile("charset\\s*=\\s*\"?([^\";\\s]+)");
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
        var parser = new MimeStreamParser(MIME_CONFIG, DecodeMonitor.SILENT, new DefaultBodyDescriptorBuilder());
        parser.setContentDecoding(true);
        parser.setRecurse();
        parser.setContentHandler(handler);
        try {
            parser.parse(new Bounded(in, settings.maxBytesScanned()));
        } catch (MimeException malformed) {
            sink.add("mime:malformed");
        }
        return sink;
    }

    /** Collects tokens from Mime4j's parse events. */
    private static final class Handler extends AbstractContentHandler {
        private final TokenSink sink;
        private boolean inTopHeader;
        private boolean topHeaderDone;
        private int received;
        private int recipients;

        Handler(TokenSink sink) {
            this.sink = sink;
        }

        @Override
        public void startHeader() {
            inTopHeader = !topHeaderDone;
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
            if (!inTopHeader || sink.full()) {
                return;
            }
            String name = field.getName().toLowerCase(Locale.ROOT);
            String raw = field.getBody() == null ? "" : field.getBody();
            switch (name) {
                case "from", "reply-to" -> address("h:" + name + ":", decode(raw));
                case "subject" -> sink.text(decode(raw), "subject:", false);
                case "received" -> {
                    if (received++ < MAX_RECEIVED_HEADERS) {
                        receivedHosts(raw.toLowerCase(Locale.ROOT));
                    }
                }
                case "message-id" -> {
                    int at = raw.lastIndexOf('@');
                    int end = raw.indexOf('>', at + 1);
                    if (at >= 0) {
                        sink.add("h:message-id:"
                                + raw.substring(at + 1, end > at ? end : raw.length()).trim().toLowerCase(Locale.ROOT));
                    }
                }
                case "x-mailer", "user-agent" -> sink.add("h:x-mailer:" + normalized(decode(raw)));
                case "content-type" -> {
                    String lower = raw.toLowerCase(Locale.ROOT);
                    int semi = lower.indexOf(';');
                    sink.add("h:content-type:" + (semi < 0 ? lower : lower.substring(0, semi)).trim());
                    Matcher cs = CHARSET.matcher(lower);
                    if (cs.find()) {
                        sink.add("h:charset:" + cs.group(1));
                    }
                }
                case "to", "cc" -> {
                    Matcher m = ADDRESS.matcher(raw);
                    while (m.find()) {
                        recipients++;
                    }
                }
                default -> {
                    // Other headers carry little that the peers found useful, or are ours (Received by our MX).
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

        private void receivedHosts(String value) {
            Matcher hosts = HOST.matcher(value);
            while (hosts.find()) {
                sink.add("h:received:" + hosts.group(1));
            }
            Matcher ips = IPV4.matcher(value);
            while (ips.find()) {
                sink.add("h:received:ip:" + ips.group(1) + "." + ips.group(2) + "." + ips.group(3));
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
            String declaredCharset = null;
            String fileName = null;
            if (bd instanceof MaximalBodyDescriptor md) {
                declaredCharset = md.getContentTypeParameters().get("charset");
                fileName = md.getContentDispositionFilename();
                if (fileName == null) {
                    fileName = md.getContentTypeParameters().get("name");
                }
            }
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

    /** RFC 2047 encoded words decoded; a malformed word is kept as written. */
    static String decode(String value) {
        return DecoderUtil.decodeEncodedWords(value.replaceAll("\\s*\r?\n\\s*", " "), DecodeMonitor.SILENT);
    }

    static String normalized(String value) {
        String v = value.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
        return v.length() > MAX_HEADER_VALUE_CHARS ? v.substring(0, MAX_HEADER_VALUE_CHARS) : v;
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
