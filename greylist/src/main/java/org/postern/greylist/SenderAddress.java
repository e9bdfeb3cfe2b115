package org.postern.greylist;

import java.util.Locale;

/**
 * Envelope addresses as greylisting compares them: the sender reduced to the address a person would recognise,
 * the recipient only lower-cased.
 *
 * <p>Senders carry per-message decorations that would make every retry a new triplet if they were kept. Each is
 * removed, outermost first, until none is left (at most {@value #MAX_UNWRAPS} layers, so a hostile address costs
 * bounded work); then the {@code +extension} goes. The forms, and where they are defined:
 * <ol>
 *   <li>SRS, the Sender Rewriting Scheme of forwarders: {@code SRS0=HHH=TT=orig-domain=orig-local@forwarder} and,
 *       forwarded again, {@code SRS1=HHH=first-forwarder==HHH=TT=orig-domain=orig-local@forwarder}. The separator
 *       after {@code SRS0}/{@code SRS1} may be {@code =}, {@code +} or {@code -}; in SRS1 the original SRS0 separator
 *       follows the first forwarder's name. [1]
 *   <li>BATV, Bounce Address Tag Validation: {@code prvs=TAG=local@domain} [2], the older
 *       {@code prvs=local/TAG@domain} of earlier drafts [3], and Barracuda's {@code btv1==TAG==local@domain} (seen in
 *       the wild, in no draft). The tag is taken as any run of letters and digits: the draft's {@code KDDDSSSSSS}
 *       is 10 characters, Cisco IronPort sends 9 hex digits ({@code prvs=374a1453b=Andrew.Cooper3@citrix.com}).
 *   <li>The {@code +extension} of the local part (sub-addressing, Postfix's {@code recipient_delimiter}). Only
 *       {@code +}: a {@code -} is too often part of a real local part ({@code no-reply}).
 * </ol>
 * Forms nest in practice: a forwarder's SRS around an IronPort BATV address,
 * {@code SRS0=Kjsf=5O=citrix.com=prvs=374a1453b=Andrew.Cooper3@srs-se1.protection.inumbo.net}, is
 * {@code andrew.cooper3@citrix.com}.
 *
 * <p>References: [1] Shevek, "The Sender Rewriting Scheme" (2004, the paper distributed with libsrs2), and the
 * Mail::SRS documentation by the same author (Mail::SRS::Guarded defines SRS1). [2] draft-levine-smtp-batv-01,
 * "Bounce Address Tag Validation (BATV)", Levine, Crocker, Silberman, Finch, 2008:
 * {@code tag-type "=" tag-val "=" loc-core}. [3] The form of the earlier drafts (draft-levine-mass-batv-*, 2004)
 * and of MTAs built on them, local part before the tag. XXX: this form is implemented as issue #6 describes it; its
 * grammar was not re-checked against the draft text.
 */
final class SenderAddress {

    /** SRS around BATV around SRS is the deepest nesting seen; more layers than this are left as they are. */
    static final int MAX_UNWRAPS = 4;

    /** Longest BATV tag accepted; real ones are 9 or 10 characters. */
    private static final int MAX_TAG_LENGTH = 64;

    private SenderAddress() {
    }

    /**
     * The normalized sender: angle brackets removed, lower case, SRS and BATV undone, {@code +extension} removed.
     * The null sender ("" or {@code <>}) stays "". Text that is no address is only lower-cased.
     */
    static String normalizeSender(String raw) {
        String address = normalizeRecipient(raw);
        for (int i = 0; i < MAX_UNWRAPS; i++) {
            String inner = unwrap(address);
            if (inner.equals(address)) {
                break;
            }
            address = inner;
        }
        return withoutExtension(address);
    }

    /** The recipient as compared: one pair of enclosing angle brackets and surrounding spaces removed, lower case. */
    static String normalizeRecipient(String raw) {
        String s = raw.strip();
        if (s.length() >= 2 && s.charAt(0) == '<' && s.charAt(s.length() - 1) == '>') {
            s = s.substring(1, s.length() - 1).strip();
        }
        return s.toLowerCase(Locale.ROOT);
    }

    /** The domain of a normalized address: what follows the last "@"; "" if there is none (the null sender). */
    static String domain(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1);
    }

    /** One layer of SRS or BATV removed from a lower-case address; the address itself if it has neither. */
    static String unwrap(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0) {
            return address;
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        if (local.length() > 5 && local.startsWith("srs0") && isSrsSeparator(local.charAt(4))) {
            return srs0(local.substring(5), address);
        }
        if (local.length() > 5 && local.startsWith("srs1") && isSrsSeparator(local.charAt(4))) {
            // [1] Mail::SRS::Guarded: SRS1 <sep> HHH = first-forwarder = <SRS0 sep> HHH = TT = domain = local
            String[] parts = local.substring(5).split("=", 3);
            if (parts.length == 3 && !parts[1].isEmpty() && !parts[2].isEmpty()
                    && isSrsSeparator(parts[2].charAt(0))) {
                return srs0(parts[2].substring(1), address);
            }
            return address;
        }
        if (local.startsWith("prvs=")) {
            String rest = local.substring(5);
            int eq = rest.indexOf('=');
            if (eq >= 0) {
                // [2] prvs=TAG=local
                return isTag(rest.substring(0, eq)) && eq + 1 < rest.length()
                        ? rest.substring(eq + 1) + "@" + domain : address;
            }
            // [3] prvs=local/TAG
            int slash = rest.lastIndexOf('/');
            return slash > 0 && isTag(rest.substring(slash + 1)) ? rest.substring(0, slash) + "@" + domain : address;
        }
        if (local.startsWith("btv1==")) {
            String rest = local.substring(6);
            int eq = rest.indexOf("==");
            return eq > 0 && isTag(rest.substring(0, eq)) && eq + 2 < rest.length()
                    ? rest.substring(eq + 2) + "@" + domain : address;
        }
        return address;
    }

    /** {@code HHH=TT=orig-domain=orig-local} to {@code orig-local@orig-domain}; the local part may contain "=". */
    private static String srs0(String body, String address) {
        String[] parts = body.split("=", 4);
        if (parts.length == 4 && !parts[2].isEmpty() && !parts[3].isEmpty()) {
            return parts[3] + "@" + parts[2];
        }
        return address;
    }

    private static boolean isSrsSeparator(char c) {
        return c == '=' || c == '+' || c == '-';
    }

    private static boolean isTag(String s) {
        if (s.isEmpty() || s.length() > MAX_TAG_LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    /** {@code user+tag@domain} to {@code user@domain}; a local part that starts with "+" is left alone. */
    private static String withoutExtension(String address) {
        int at = address.lastIndexOf('@');
        int plus = address.indexOf('+');
        if (at < 0 || plus <= 0 || plus > at) {
            return address;
        }
        return address.substring(0, plus) + address.substring(at);
    }
}
