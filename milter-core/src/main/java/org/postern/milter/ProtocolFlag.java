package org.postern.milter;

import java.util.EnumSet;
import java.util.Set;

/**
 * SMFIP_* protocol bits (milter-protocol.md §3.3): {@code NO_*} asks the MTA not to send an event, {@code NR_*} says
 * the milter will not reply to it, {@link #SKIP} allows SKIP after a body chunk, {@link #RCPT_REJ} asks for recipients
 * the MTA rejected, {@link #HDR_LEADSPC} keeps the space after a header's colon in both directions.
 */
public enum ProtocolFlag {
    NO_CONNECT(0x1),          // SMFIP_NOCONNECT
    NO_HELO(0x2),             // SMFIP_NOHELO
    NO_MAIL(0x4),             // SMFIP_NOMAIL
    NO_RCPT(0x8),             // SMFIP_NORCPT
    NO_BODY(0x10),            // SMFIP_NOBODY
    NO_HEADERS(0x20),         // SMFIP_NOHDRS
    NO_END_OF_HEADERS(0x40),  // SMFIP_NOEOH
    NR_HEADER(0x80),          // SMFIP_NR_HDR
    NO_UNKNOWN(0x100),        // SMFIP_NOUNKNOWN
    NO_DATA(0x200),           // SMFIP_NODATA
    SKIP(0x400),              // SMFIP_SKIP
    RCPT_REJ(0x800),          // SMFIP_RCPT_REJ
    NR_CONNECT(0x1000),       // SMFIP_NR_CONN
    NR_HELO(0x2000),          // SMFIP_NR_HELO
    NR_MAIL(0x4000),          // SMFIP_NR_MAIL
    NR_RCPT(0x8000),          // SMFIP_NR_RCPT
    NR_DATA(0x10000),         // SMFIP_NR_DATA
    NR_UNKNOWN(0x20000),      // SMFIP_NR_UNKN
    NR_END_OF_HEADERS(0x40000), // SMFIP_NR_EOH
    NR_BODY(0x80000),         // SMFIP_NR_BODY
    HDR_LEADSPC(0x100000);    // SMFIP_HDR_LEADSPC

    private final int bit;

    ProtocolFlag(int bit) { this.bit = bit; }

    public int bit() { return bit; }

    public static int mask(Set<ProtocolFlag> flags) {
        int mask = 0;
        for (ProtocolFlag f : flags) {
            mask |= f.bit;
        }
        return mask;
    }

    /** The known flags set in {@code mask}; unknown bits are ignored. */
    public static Set<ProtocolFlag> of(int mask) {
        EnumSet<ProtocolFlag> set = EnumSet.noneOf(ProtocolFlag.class);
        for (ProtocolFlag f : values()) {
            if ((mask & f.bit) != 0) {
                set.add(f);
            }
        }
        return set;
    }
}
