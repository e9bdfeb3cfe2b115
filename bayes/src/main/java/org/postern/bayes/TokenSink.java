package org.postern.bayes;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.TypeAttribute;

/**
 * The distinct tokens of one message, capped at {@link TokenizerSettings#maxTokens()}.
 * Not thread-safe: one per message.
 */
final class TokenSink {

    /** Longer "words" are encodings or junk; SpamBayes' "skip:" token keeps only their first character and length. */
    static final int MAX_WORD_CHARS = 40;
    /** URLs beyond this are cut: the tail is usually a tracking id that never repeats. */
    static final int MAX_URL_CHARS = 80;

    private final TextAnalyzer analyzer;
    private final int maxTokens;
    private final int bigramWindow;
    private final Set<String> tokens = new HashSet<>();

    TokenSink(TextAnalyzer analyzer, TokenizerSettings settings) {
        this.analyzer = analyzer;
        this.maxTokens = settings.maxTokens();
        this.bigramWindow = settings.bigramWindow();
    }

    boolean full() {
        return tokens.size() >= maxTokens;
    }

    void add(String token) {
        if (!full()) {
            tokens.add(token);
        }
    }

    /** Sorted, so a store can write the keys of one message in B-tree order. */
    List<String> sorted() {
        var list = new ArrayList<>(tokens);
        list.sort(null);
        return List.copyOf(list);
    }

    /** {@code prefix + host} and each parent domain of at least two labels: a.b.example.com, b.example.com, .... */
    void host(String prefix, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        while (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.isEmpty()) {
            return;
        }
        add(prefix + h);
        for (int dot = h.indexOf('.'); dot >= 0 && h.indexOf('.', dot + 1) > 0; dot = h.indexOf('.', dot + 1)) {
            add(prefix + h.substring(dot + 1));
        }
    }

    /**
     * Tokens of a piece of text. Words get {@code wordPrefix}; URLs give {@code u:} (scheme dropped, cut at
     * {@value #MAX_URL_CHARS} chars) and {@code uh:} host tokens; addresses give {@code e:} and {@code eh:} tokens.
     * With {@code bigrams}, consecutive words also give orthogonal sparse bigrams {@code b:w1|w2} (adjacent) and
     * {@code b<d>:w1|w2} (d words apart, up to the window).
     */
    void text(String text, String wordPrefix, boolean bigrams) {
        int window = bigrams ? bigramWindow : 1;
        String[] recent = new String[Math.max(0, window - 1)];   // ring buffer of the previous words
        int seen = 0;
        try (TokenStream stream = analyzer.tokenStream("text", new StringReader(text))) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            TypeAttribute type = stream.addAttribute(TypeAttribute.class);
            stream.reset();
            while (!full() && stream.incrementToken()) {
                String t = term.toString();
                switch (type.type()) {
                    case "<URL>" -> url(t);
                    case "<EMAIL>" -> email(t);
                    default -> {
                        if (t.length() > MAX_WORD_CHARS) {
                            add("skip:" + t.charAt(0) + ":" + (t.length() / 10 * 10));
                            continue;
                        }
                        add(wordPrefix + t);
                        for (int d = 1; d <= Math.min(seen, recent.length); d++) {
                            String previous = recent[(seen - d) % recent.length];
                            add((d == 1 ? "b:" : "b" + d + ":") + previous + "|" + t);
                        }
                        if (recent.length > 0) {
                            recent[seen % recent.length] = t;
                        }
                        seen++;
                    }
                }
            }
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException("reading a String cannot fail", e);
        }
    }

    private void url(String url) {
        String rest = url;
        int scheme = rest.indexOf("://");
        if (scheme >= 0) {
            rest = rest.substring(scheme + 3);
        }
        int end = 0;
        while (end < rest.length() && "/?#:".indexOf(rest.charAt(end)) < 0) {
            end++;
        }
        String host = rest.substring(0, end);
        int at = host.lastIndexOf('@');                              // user:pass@host
        host(UH, at >= 0 ? host.substring(at + 1) : host);
        if (end < rest.length()) {
            add("u:" + (rest.length() > MAX_URL_CHARS ? rest.substring(0, MAX_URL_CHARS) : rest));
        }
    }

    private void email(String address) {
        add("e:" + address);
        host("eh:", address.substring(address.lastIndexOf('@') + 1));
    }

    /** Prefix of link host tokens, shared by text URLs and HTML links. */
    static final String UH = "uh:";
}
