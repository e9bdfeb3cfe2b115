package org.postern.dns;

import org.xbill.DNS.Type;

/**
 * The record types Postern asks for. Each constant carries its RR type code (RFC 1035 §3.2.2, RFC 3596 for AAAA,
 * RFC 7208 §3.1 / RFC 4408 for the obsolete SPF type 99, which Postern serves in tests but never queries for SPF).
 */
public enum DnsType {
    A(Type.A),
    AAAA(Type.AAAA),
    MX(Type.MX),
    TXT(Type.TXT),
    PTR(Type.PTR),
    CNAME(Type.CNAME),
    NS(Type.NS),
    SOA(Type.SOA),
    /** RR type 99 (RFC 4408 §3.1.1); deprecated by RFC 7208 §3.1 and present for the SPF conformance suite. */
    SPF(Type.SPF);

    private final int code;

    DnsType(int code) {
        this.code = code;
    }

    /** The RR type code on the wire, e.g. 16 for TXT. */
    public int code() {
        return code;
    }

    /** The constant for a wire type code, or null when Postern has none. */
    static DnsType ofCode(int code) {
        for (DnsType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
