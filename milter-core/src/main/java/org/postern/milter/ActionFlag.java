package org.postern.milter;

import java.util.EnumSet;
import java.util.Set;

/** SMFIF_* action bits: what the milter may ask the MTA to change (negotiated in OPTNEG, milter-protocol.md §3.1). */
public enum ActionFlag {
    ADD_HEADERS(0x01),        // SMFIF_ADDHDRS
    CHANGE_BODY(0x02),        // SMFIF_CHGBODY
    ADD_RECIPIENT(0x04),      // SMFIF_ADDRCPT
    DELETE_RECIPIENT(0x08),   // SMFIF_DELRCPT
    CHANGE_HEADERS(0x10),     // SMFIF_CHGHDRS
    QUARANTINE(0x20),         // SMFIF_QUARANTINE
    CHANGE_FROM(0x40),        // SMFIF_CHGFROM
    ADD_RECIPIENT_PAR(0x80),  // SMFIF_ADDRCPT_PAR
    SET_SYMBOL_LIST(0x100);   // SMFIF_SETSYMLIST

    private final int bit;

    ActionFlag(int bit) { this.bit = bit; }

    public int bit() { return bit; }

    public static int mask(Set<ActionFlag> flags) {
        int mask = 0;
        for (ActionFlag f : flags) {
            mask |= f.bit;
        }
        return mask;
    }

    /** The known flags set in {@code mask}; unknown bits are ignored. */
    public static Set<ActionFlag> of(int mask) {
        EnumSet<ActionFlag> set = EnumSet.noneOf(ActionFlag.class);
        for (ActionFlag f : values()) {
            if ((mask & f.bit) != 0) {
                set.add(f);
            }
        }
        return set;
    }
}
