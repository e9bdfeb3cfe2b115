package org.postern.dkim;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The header half of the data a DKIM signature covers (RFC 6376 §3.7, §5.4.2): the fields named in h=, each
 * canonicalized, then the DKIM-Signature field itself with an empty b= and no final CRLF. Signer and verifier build
 * it with the same code, so they cannot disagree about it.
 */
final class SignedHeaders {
    private SignedHeaders() {}

    /**
     * The canonical header data for a signature.
     *
     * @param headers        every header field of the message, top to bottom
     * @param ownIndex       the index in {@code headers} of the DKIM-Signature field being verified, which is never one
     *                       of the fields selected by name; -1 when signing (the field is not in the message yet)
     * @param names          h=, in order
     * @param canon          the header canonicalization
     * @param signature      the DKIM-Signature field as it is (or will be) in the message, b= included or empty
     * @return octets, one per char
     */
    static String data(List<HeaderField> headers, int ownIndex, List<String> names, Canonicalization canon,
                       HeaderField signature) {
        StringBuilder out = new StringBuilder();
        // RFC 6376 §5.4.2: with several instances of a field, they are used bottom-up, one per occurrence of the
        // name in h=; a name listed more often than the field occurs contributes the null string the extra times
        // (oversigning, §5.4 and §8.15).
        Map<String, Integer> nextBelow = new HashMap<>();
        for (String name : names) {
            String key = Ascii.lower(name);
            int i = nextBelow.getOrDefault(key, headers.size()) - 1;
            while (i >= 0 && (i == ownIndex || !headers.get(i).isNamed(key))) {
                i--;
            }
            nextBelow.put(key, Math.max(i, 0));   // 0: nothing is left above
            if (i >= 0) {
                HeaderField field = headers.get(i);
                out.append(canon.header(field.name(), field.value()));
            }
        }
        // RFC 6376 §3.7: the DKIM-Signature field is hashed last, "with the value of the "b=" tag (including all
        // surrounding whitespace) deleted (i.e., treated as the empty string)", canonicalized, without trailing CRLF.
        out.append(canon.headerWithoutCrlf(signature.name(), withEmptySignature(signature.value())));
        return out.toString();
    }

    /**
     * {@code value} with everything between "b=" and the next ";" (or the end) removed; other tags, bh= among them,
     * keep every octet. The tag name is matched after trimming FWS, so "\r\n\tb=" is found.
     */
    static String withEmptySignature(String value) {
        int start = 0;
        while (start <= value.length()) {
            int semicolon = value.indexOf(';', start);
            int end = semicolon < 0 ? value.length() : semicolon;
            int eq = value.indexOf('=', start);
            if (eq >= 0 && eq < end && Ascii.trimFws(value.substring(start, eq)).equals("b")) {
                return value.substring(0, eq + 1) + value.substring(end);
            }
            if (semicolon < 0) {
                break;
            }
            start = semicolon + 1;
        }
        return value;
    }
}
