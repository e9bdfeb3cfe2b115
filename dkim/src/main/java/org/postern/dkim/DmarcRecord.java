package org.postern.dkim;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A DMARC policy record (RFC 7489 §6.3, ABNF in §6.4), reduced to what evaluation needs.
 *
 * <pre>
 * dmarc-record = dmarc-version dmarc-sep [dmarc-request] [dmarc-sep dmarc-srequest] [dmarc-sep dmarc-auri] ...
 * dmarc-version = "v" *WSP "=" *WSP %x44 %x4d %x41 %x52 %x43 %x31     ; "DMARC1", exact case
 * dmarc-sep     = *WSP %x3b *WSP                                     ; ";"
 * </pre>
 *
 * The tags read are v, p, sp, adkim, aspf, pct and (only to decide what a bad p= means) rua. ruf, fo, rf, ri and
 * unknown tags are ignored (§6.3: "unknown tags MUST be ignored"). Tag names and the keyword values are
 * case-insensitive (ABNF quoted strings); a tag given twice keeps its first value.
 *
 * @param policy       p=
 * @param subdomain    sp=, when the record has one
 * @param strictDkim   adkim=s (default r)
 * @param strictSpf    aspf=s (default r)
 * @param percent      pct=, 0 to 100 (default 100)
 */
record DmarcRecord(DmarcPolicy policy, Optional<DmarcPolicy> subdomain, boolean strictDkim, boolean strictSpf,
                   int percent) {

    /** RFC 3986 §3.1 scheme, a colon and something: enough to call a rua= entry "syntactically valid". */
    private static final Pattern URI = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:\\S+");

    DmarcRecord {
        requireNonNull(policy, "policy");
        requireNonNull(subdomain, "subdomain");
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent must be 0 to 100: " + percent);
        }
    }

    /** The policy for mail from {@code fromDomain}: sp= when the record was found at its organizational domain. */
    DmarcPolicy policyFor(boolean foundAtOrganizationalDomain) {
        return foundAtOrganizationalDomain ? subdomain.orElse(policy) : policy;
    }

    /**
     * RFC 7489 §6.6.3 step 2: whether a TXT record is a DMARC record, that is, starts with the tag {@code v=DMARC1}.
     * Records that do not are discarded before counting.
     */
    static boolean isDmarc(String txt) {
        int semicolon = txt.indexOf(';');
        String first = semicolon < 0 ? txt : txt.substring(0, semicolon);
        int eq = first.indexOf('=');
        return eq >= 0 && Ascii.trimWsp(first.substring(0, eq)).equalsIgnoreCase("v")
                && Ascii.trimWsp(first.substring(eq + 1)).equals("DMARC1");
    }

    /**
     * Parses a record that {@link #isDmarc} accepted. RFC 7489 §6.6.3 step 5: a record without a valid p=, or with
     * an invalid sp=, counts as {@code p=none} when rua= names at least one valid URI, and as no record otherwise;
     * an invalid adkim=, aspf= or pct= makes the record invalid too ({@link Parsed.Invalid} says which tag).
     */
    static Parsed<DmarcRecord> parse(String txt) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String spec : txt.split(";", -1)) {
            if (Ascii.trimFws(spec).isEmpty()) {
                continue;
            }
            int eq = spec.indexOf('=');
            if (eq < 0) {
                return Parsed.invalid("tag without \"=\" in DMARC record");
            }
            tags.putIfAbsent(Ascii.trimFws(spec.substring(0, eq)).toLowerCase(Locale.ROOT),
                    Ascii.trimFws(spec.substring(eq + 1)));
        }
        Optional<Boolean> strictDkim = alignment(tags.get("adkim"));
        if (strictDkim.isEmpty()) {
            return Parsed.invalid("invalid adkim= in DMARC record");
        }
        Optional<Boolean> strictSpf = alignment(tags.get("aspf"));
        if (strictSpf.isEmpty()) {
            return Parsed.invalid("invalid aspf= in DMARC record");
        }
        int percent = percent(tags.get("pct"));
        if (percent < 0) {
            return Parsed.invalid("invalid pct= in DMARC record");
        }
        DmarcPolicy p = tags.containsKey("p") ? DmarcPolicy.ofTag(tags.get("p")) : null;
        boolean spValid = !tags.containsKey("sp") || DmarcPolicy.ofTag(tags.get("sp")) != null;
        if (p == null || !spValid) {
            if (!hasValidRua(tags.get("rua"))) {
                return Parsed.invalid(p == null ? "DMARC record without valid p=" : "invalid sp= in DMARC record");
            }
            // RFC 7489 §6.6.3 step 5.1: act as if the record said "v=DMARC1; p=none".
            return Parsed.ok(new DmarcRecord(DmarcPolicy.NONE, Optional.empty(), strictDkim.get(), strictSpf.get(),
                    percent));
        }
        Optional<DmarcPolicy> sp = Optional.ofNullable(tags.get("sp")).map(DmarcPolicy::ofTag);
        return Parsed.ok(new DmarcRecord(p, sp, strictDkim.get(), strictSpf.get(), percent));
    }

    /** adkim= / aspf=: "r" (relaxed, the default) or "s" (strict); empty when invalid. */
    private static Optional<Boolean> alignment(String value) {
        if (value == null || value.equalsIgnoreCase("r")) {
            return Optional.of(false);
        }
        return value.equalsIgnoreCase("s") ? Optional.of(true) : Optional.empty();
    }

    /** pct= (ABNF 1*3DIGIT, at most 100), 100 when absent, -1 when invalid. */
    private static int percent(String value) {
        if (value == null) {
            return 100;
        }
        if (value.isEmpty() || value.length() > 3) {
            return -1;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return -1;
            }
        }
        int n = Integer.parseInt(value);
        return n <= 100 ? n : -1;
    }

    /** RFC 7489 §6.4 dmarc-auri: comma-separated URIs, each with an optional "!size" suffix. */
    private static boolean hasValidRua(String value) {
        if (value == null) {
            return false;
        }
        for (String entry : value.split(",", -1)) {
            String uri = Ascii.trimFws(entry);
            int bang = uri.lastIndexOf('!');
            if (bang > 0) {
                uri = uri.substring(0, bang);
            }
            if (URI.matcher(uri).matches()) {
                return true;
            }
        }
        return false;
    }
}
