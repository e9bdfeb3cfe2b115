/**
 * DKIM (RFC 6376) with rsa-sha256 and ed25519-sha256 (RFC 8463), under RFC 8301's rules: verification of incoming
 * mail, signing of outgoing mail, and key files and records.
 *
 * <p><b>Entry points.</b> {@link org.postern.dkim.DkimVerifier} (one per daemon) starts a
 * {@link org.postern.dkim.DkimVerification} per message at end of headers, which is fed the body and yields one
 * {@link org.postern.dkim.DkimResult} per signature. {@link org.postern.dkim.DkimSigner} (one per domain, selector and
 * key) starts a {@link org.postern.dkim.DkimSigning} per message, which yields the DKIM-Signature value.
 * {@link org.postern.dkim.DkimKeys} loads, generates and writes keys and their DNS records. Both directions take the
 * header as {@link org.postern.dkim.HeaderField}s, octets exactly as received. No method accepts or returns null.
 *
 * <p><b>How verification runs.</b> At end of headers every DKIM-Signature is parsed and checked (RFC 6376 §6.1.1);
 * one that fails is a permerror at once, without DNS. For the rest the header data is canonicalized right away
 * (the header is complete, and keeping a few KB of canonical text is cheaper than keeping the fields), and the key
 * lookup starts, so DNS overlaps with the body transfer. The body is canonicalized and hashed as it streams
 * ({@code BodyHasher}: trailing empty lines and whitespace are held back as counts, never as octets), one hasher per
 * distinct canonicalization and l=, so memory is bounded by the header and the signature limit, never by the body.
 * At end of message the body hashes are final, and each signature is decided as soon as all keys are in.
 * Signer and verifier build the header data with the same code ({@code SignedHeaders}), which is how a signature
 * made here is hashed exactly as it is later read.
 *
 * <p><b>Why not apache-jdkim.</b> DESIGN.md names apache-jdkim "where it fits". Evaluated (james-jdkim, the
 * {@code org.apache.james.jdkim:apache-jdkim-library} line), it does not fit here: (1) its key retrieval,
 * {@code PublicKeyRecordRetriever.getRecords}, is a blocking call, so keys could not be fetched at end of headers
 * on our asynchronous resolver without a thread per lookup, and the verifier would block an event loop;
 * (2) its {@code SigningAlgorithm} knows RSA only, so Ed25519 (RFC 8463) would be a fork, not an extension;
 * (3) outcomes are exceptions ({@code PermFailException}, {@code TempFailException}), which STYLE.md rules out for
 * expected results; (4) it brings mime4j for header parsing, while we must hash the octets Postfix hands us,
 * LF-joined folds and raw 8-bit included. What is left to write is small (canonicalization, the tag-list parser,
 * header selection) and is checked here against the RFC examples and 48 signatures cross-checked with opendkim and
 * dkimpy. The crypto is the JDK's: RSA, and Ed25519 since Java 15 (JEP 339). BouncyCastle is not needed; the one
 * thing the JDK lacks, deriving an Ed25519 public key from a stored private key, is done with the JDK's own key pair
 * generator ({@link org.postern.dkim.DkimKeys} says how, and how it is checked).
 *
 * <p><b>Result mapping</b> (RFC 6376 §6.1 PERMFAIL/TEMPFAIL to RFC 8601 §2.7.1): see
 * {@link org.postern.dkim.DkimResult}. RFC 8301's rsa-sha1 and keys under 1024 bits are permerrors; a key under a
 * stricter configured minimum is policy; a key record in testing mode (t=y) is a pass marked
 * {@link org.postern.dkim.DkimResult.Pass#testing()}, for the pipeline to score as unsigned.
 *
 * <p>References: (1) RFC 6376, DKIM Signatures. (2) RFC 8463, Ed25519 for DKIM. (3) RFC 8301, cryptographic algorithm
 * and key usage update. (4) RFC 8601, Authentication-Results; RFC 6008 for header.b. (5) RFC 8410 and RFC 8017 for
 * the key encodings. (6) {@code ../shared/testdata/dkim/README.md} for the test set and the peer quirks (opendkim's
 * Ed25519 simple-header signatures, dkimpy's leniencies).
 */
package org.postern.dkim;
