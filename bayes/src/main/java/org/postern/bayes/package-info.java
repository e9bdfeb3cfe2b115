/**
 * Bayes spam classification: {@link org.postern.bayes.BayesTokenizer} turns a raw message into distinct, prefixed
 * tokens (Mime4j for MIME, Lucene for words, URLs and CJK bigrams); {@link org.postern.bayes.BayesClassifier} combines
 * the tokens' learned counts, read through the {@link org.postern.bayes.TokenCounts} SPI, with Robinson–Fisher
 * chi-square into a {@link org.postern.bayes.BayesVerdict}. {@link org.postern.bayes.InMemoryTokenCounts} is the
 * counts for tests and evaluation; {@link org.postern.bayes.LmdbBayesStore} keeps them per user on disk; the
 * learning CLI and the pipeline adapter come later (#5).
 */
package org.postern.bayes;
