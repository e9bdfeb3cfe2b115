package org.postern.bayes;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.TypeAttribute;

/**
 * The distinct tokens of one message as {@link TokenHash} hashes, capped at {@link TokenizerSettings#maxTokens()}.
 * Body words and bigrams, the bulk of a message, are hashed straight from Lucene's term buffer without building
 * strings. When explaining, the token strings are kept as well. Not thread-safe: one per message.
 */
final class TokenSink {

    /** Longer "words" are encodings or junk; SpamBayes' "skip:" token keeps only their first character and length. */
    static final int MAX_WORD_CHARS = 40;
    /** URLs beyond this are cut: the tail is usually a tracking id that never repeats. */
    static final int MAX_URL_CHARS = 80;
    /** Prefix of link host tokens, shared by text URLs and HTML links. */
    static final String UH = "uh:";

    private final TextAnalyzer analyzer;
    private final int maxTokens;
    private final int bigramWindow;
    /** Hash state after "b:", "b3:", ... indexed by distance d (1 = adjacent; 0 unused). */
    private final long[] bigramSeeds;
    private final LongSet hashes;
    /** Token strings, only when explaining. */
    private final TreeSet<String> names;

    TokenSink(TextAnalyzer analyzer, TokenizerSettings settings, boolean explain) {
        this.analyzer = analyzer;
        this.maxTokens = settings.maxTokens();
        this.bigramWindow = settings.bigramWindow();
        this.bigramSeeds = new long[bigramWindow];
        for (int d = 1; d < bigramWindow; d++) {
            bigramSeeds[d] = TokenHash.absorb(TokenHash.INITIAL, bigramPrefix(d));
        }
        this.hashes = new LongSet(Math.min(maxTokens, 1024));
        this.names = explain ? new TreeSet<>() : null;
    }

    static String bigramPrefix(int distance) {
        return distance == 1 ? "b:" : "b" + distance + ":";
    }

    boolean full() {
        return hashes.size() >= maxTokens;
    }

    void add(String token) {
        addHash(TokenHash.of(token), token);
    }

    private void addHash(long hash, String name) {
        if (!full() && hashes.add(hash) && names != null) {
            names.add(name);
        }
    }

    MessageTokens tokens() {
        return MessageTokens.ofOwned(hashes.toArray(), hashes.size());
    }

    /** The token strings, sorted; only when explaining. */
    List<String> names() {
        return new ArrayList<>(names);
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
        // Ring buffer of the previous words: for each, the hash state after "b<d>:" + word + "|" for every d, so a
        // bigram costs only the second word's chars.
        int slots = Math.max(1, window - 1);
        long[][] pairStates = new long[slots][window];
        String[] previousWords = names != null ? new String[slots] : null;
        long wordSeed = TokenHash.absorb(TokenHash.INITIAL, wordPrefix);
        int seen = 0;
        try (TokenStream stream = analyzer.tokenStream("text", new StringReader(text))) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            TypeAttribute type = stream.addAttribute(TypeAttribute.class);
            stream.reset();
            while (!full() && stream.incrementToken()) {
                String kind = type.type();
                if ("<URL>".equals(kind)) {
                    url(term.toString());
                    continue;
                }
                if ("<EMAIL>".equals(kind)) {
                    email(term.toString());
                    continue;
                }
                char[] buffer = term.buffer();
                int length = term.length();
                if (length > MAX_WORD_CHARS) {
                    add("skip:" + buffer[0] + ":" + (length / 10 * 10));
                    continue;
                }
                String word = names != null ? new String(buffer, 0, length) : null;
                addHash(TokenHash.finish(TokenHash.absorb(wordSeed, buffer, 0, length)),
                        word == null ? null : wordPrefix + word);
                if (window < 2) {
                    continue;
                }
                for (int d = 1; d <= Math.min(seen, window - 1); d++) {
                    int slot = (seen - d) % slots;
                    long hash = TokenHash.finish(TokenHash.absorb(pairStates[slot][d], buffer, 0, length));
                    addHash(hash, word == null ? null : bigramPrefix(d) + previousWords[slot] + "|" + word);
                }
                int slot = seen % slots;
                for (int d = 1; d < window; d++) {
                    pairStates[slot][d] = TokenHash.absorb(TokenHash.absorb(bigramSeeds[d], buffer, 0, length), '|');
                }
                if (previousWords != null) {
                    previousWords[slot] = word;
                }
                seen++;
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

    /** An open-addressing set of longs with linear probing; grows at half full. */
    static final class LongSet {
        private long[] table;
        private boolean hasZero;
        private int size;

        LongSet(int expected) {
            table = new long[Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1];
        }

        int size() {
            return size;
        }

        /** Adds {@code v}; false if it was there. 0 is kept aside, as the table's empty marker. */
        boolean add(long v) {
            if (v == 0) {
                if (hasZero) {
                    return false;
                }
                hasZero = true;
                size++;
                return true;
            }
            int mask = table.length - 1;
            int i = (int) (v ^ (v >>> 32)) & mask;        // hashes are already mixed
            while (table[i] != 0) {
                if (table[i] == v) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            table[i] = v;
            if (++size * 2 > table.length) {
                grow();
            }
            return true;
        }

        long[] toArray() {
            long[] out = new long[size];
            int n = 0;
            if (hasZero) {
                out[n++] = 0;
            }
            for (long v : table) {
                if (v != 0) {
                    out[n++] = v;
                }
            }
            return out;
        }

        private void grow() {
            long[] old = table;
            table = new long[old.length * 2];
            int mask = table.length - 1;
            for (long v : old) {
                if (v != 0) {
                    int i = (int) (v ^ (v >>> 32)) & mask;
                    while (table[i] != 0) {
                        i = (i + 1) & mask;
                    }
                    table[i] = v;
                }
            }
        }
    }
}
