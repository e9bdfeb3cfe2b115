package org.postern.bayes;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.email.UAX29URLEmailTokenizer;

/**
 * Words of a text: UAX #29 word boundaries that keep URLs, host names and e-mail addresses whole,
 * Han/Hiragana/Katakana/Hangul runs as overlapping bigrams (no dictionary needed), then lower case.
 * Thread-safe: {@link Analyzer} reuses one token stream per thread.
 */
final class TextAnalyzer extends Analyzer {

    /** Longer tokens are split by the tokenizer; URLs longer than this are rare and useless as features anyway. */
    static final int MAX_TOKEN_CHARS = 255;

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        var source = new UAX29URLEmailTokenizer();
        source.setMaxTokenLength(MAX_TOKEN_CHARS);
        // The tokenizer's type strings are StandardTokenizer's, which is what CJKBigramFilter matches on.
        TokenStream stream = new CJKBigramFilter(source);
        stream = new LowerCaseFilter(stream);
        return new TokenStreamComponents(source, stream);
    }
}
