package org.postern.bayes;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/**
 * The seen-index key of a message: what makes "this message was learned before" true for the copy the milter saw, the
 * copy delivered into a Maildir, and the copy a user later moves into or out of Junk.
 *
 * <p>Those copies differ in their headers — Postfix adds {@code Return-Path}, {@code Delivered-To} and
 * {@code Received}, Postern its {@code X-Spam-*} and {@code Authentication-Results}, a mail client its flags — but not
 * in their body or {@code Message-ID}. So the key is the SHA-256 of the {@code Message-ID} field's value (whitespace
 * removed, lower-cased; when absent, the {@code Date}, {@code From} and {@code Subject} values instead) and the body
 * after the first empty line, with CRLF read as LF and trailing empty lines ignored (mbox and Maildir writers differ there). This follows sa-learn, which keys its seen database on
 * the Message-ID and a digest of the message ({@code Mail::SpamAssassin::Message::generate_msgid}). A message without
 * a Message-ID is still told apart from others by its date, author, subject and body.
 *
 * <p>The key is 43 characters of unpadded base64url.
 */
public final class LearnKey {

    private LearnKey() {
    }

    /** The key of a raw RFC 5322 message (headers, an empty line, the body; LF or CRLF line ends). */
    public static String of(byte[] rawMessage) {
        requireNonNull(rawMessage, "rawMessage");
        int bodyStart = bodyStart(rawMessage);
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        String header = new String(rawMessage, 0, bodyStart, StandardCharsets.ISO_8859_1);
        String id = field(header, "message-id");
        if (id.isEmpty()) {
            // As sa-learn: without a Message-ID, the fields a delivery does not change stand in for it.
            id = "date:" + field(header, "date") + "\0from:" + field(header, "from") + "\0subject:"
                    + field(header, "subject");
        }
        sha256.update(id.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        int end = rawMessage.length;
        while (end > bodyStart && (rawMessage[end - 1] == '\n' || rawMessage[end - 1] == '\r')) {
            end--;
        }
        int from = bodyStart;
        for (int i = bodyStart; i < end; i++) {
            if (rawMessage[i] == '\r' && i + 1 < end && rawMessage[i + 1] == '\n') {
                sha256.update(rawMessage, from, i - from);
                from = i + 1;                                   // the LF
            }
        }
        sha256.update(rawMessage, from, end - from);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256.digest());
    }

    /** Index of the first body byte: after the first empty line; the message's length if there is none. */
    static int bodyStart(byte[] m) {
        for (int i = 0; i < m.length; i++) {
            if (m[i] == '\n') {
                if (i + 1 < m.length && m[i + 1] == '\n') {
                    return i + 2;
                }
                if (i + 2 < m.length && m[i + 1] == '\r' && m[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        return m.length;
    }

    /** The unfolded value of the first field of this (lower-case) name, whitespace removed and lower-cased. */
    static String field(String header, String name) {
        String prefix = name + ":";
        int at = 0;
        while (at < header.length()) {
            int lineEnd = header.indexOf('\n', at);
            if (lineEnd < 0) {
                lineEnd = header.length();
            }
            if (header.regionMatches(true, at, prefix, 0, prefix.length())) {
                var value = new StringBuilder(header.substring(at + prefix.length(), lineEnd));
                int next = lineEnd + 1;
                while (next < header.length() && (header.charAt(next) == ' ' || header.charAt(next) == '\t')) {
                    int nextEnd = header.indexOf('\n', next);
                    nextEnd = nextEnd < 0 ? header.length() : nextEnd;
                    value.append(header, next, nextEnd);
                    next = nextEnd + 1;
                }
                var compact = new StringBuilder(value.length());
                for (int i = 0; i < value.length(); i++) {
                    if (!Character.isWhitespace(value.charAt(i))) {
                        compact.append(value.charAt(i));
                    }
                }
                return compact.toString().toLowerCase(Locale.ROOT);
            }
            at = lineEnd + 1;
        }
        return "";
    }
}
