package org.postern.dkim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A DKIM tag=value list (RFC 6376 §3.2), the syntax of both the DKIM-Signature field and the key record.
 *
 * <pre>
 * tag-list  =  tag-spec *( ";" tag-spec ) [ ";" ]
 * tag-spec  =  [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
 * tag-name  =  ALPHA *ALNUMPUNC            ; ALNUMPUNC = ALPHA / DIGIT / "_"
 * tag-value =  [ tval *( 1*(WSP / FWS) tval ) ]
 * tval      =  1*VALCHAR                   ; VALCHAR = %x21-3A / %x3C-7E
 * </pre>
 *
 * Values are kept with their inner FWS (a folded {@code h=} or {@code b=}), trimmed at both ends. Tag names are
 * case-sensitive (§3.2). Empty tag-specs (";;", a trailing ";" followed by whitespace) are skipped, a leniency that
 * real key records need.
 *
 * @param tags the tags in the order written
 */
record TagList(Map<String, String> tags) {

    TagList {
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    /** Parses {@code text}; the reason of an {@link Parsed.Invalid} names the offending tag. */
    static Parsed<TagList> parse(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        // VALCHAR excludes ";", so splitting at every ";" finds exactly the tag-specs.
        for (String spec : text.split(";", -1)) {
            if (Ascii.trimFws(spec).isEmpty()) {
                continue;
            }
            int eq = spec.indexOf('=');
            if (eq < 0) {
                return Parsed.invalid("tag without \"=\": " + abbreviate(Ascii.trimFws(spec)));
            }
            String name = Ascii.trimFws(spec.substring(0, eq));
            if (!isTagName(name)) {
                return Parsed.invalid("bad tag name: " + abbreviate(name));
            }
            String value = Ascii.trimFws(spec.substring(eq + 1));
            if (!isTagValue(value)) {
                return Parsed.invalid(name + "= has a character outside the tag-value syntax");
            }
            // RFC 6376 §3.2: "if a tag name does occur more than once, the entire tag-list is invalid."
            if (tags.put(name, value) != null) {
                return Parsed.invalid("duplicate tag " + name + "=");
            }
        }
        return Parsed.ok(new TagList(tags));
    }

    /** The value of {@code name}, trimmed, or empty when the tag is absent. */
    Optional<String> get(String name) {
        return Optional.ofNullable(tags.get(name));
    }

    boolean has(String name) {
        return tags.containsKey(name);
    }

    private static boolean isTagName(String name) {
        if (name.isEmpty() || !isAlpha(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isAlpha(c) && !(c >= '0' && c <= '9') && c != '_') {
                return false;
            }
        }
        return true;
    }

    private static boolean isTagValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean valchar = c >= 0x21 && c <= 0x7e && c != ';';
            if (!valchar && !Ascii.isFws(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static String abbreviate(String s) {
        return s.length() <= 20 ? s : s.substring(0, 20) + "...";
    }
}
