package org.postern.milter;

/**
 * The stage a macro packet belongs to: the letter of the command it precedes, and the SMFIM_* number used to request
 * a macro list for that stage with SETSYMLIST (milter-protocol.md §3.4, §5). Stages without a number cannot be
 * requested separately: Postfix sends the end-of-header list before each header and the end-of-data list before each
 * body chunk.
 */
public enum MacroStage {
    CONNECT('C', 0),        // SMFIM_CONNECT
    HELO('H', 1),           // SMFIM_HELO
    MAIL('M', 2),           // SMFIM_ENVFROM
    RCPT('R', 3),           // SMFIM_ENVRCPT
    DATA('T', 4),           // SMFIM_DATA
    END_OF_MESSAGE('E', 5), // SMFIM_EOM
    END_OF_HEADERS('N', 6), // SMFIM_EOH
    HEADER('L', -1),
    BODY('B', -1),
    UNKNOWN('U', -1);

    private final char commandCode;
    private final int symbolListIndex;

    MacroStage(char commandCode, int symbolListIndex) {
        this.commandCode = commandCode;
        this.symbolListIndex = symbolListIndex;
    }

    /** The letter of the command these macros precede. */
    public char commandCode() { return commandCode; }

    /** The SMFIM_* number for SETSYMLIST, or -1 when this stage cannot be requested on its own. */
    public int symbolListIndex() { return symbolListIndex; }

    /** The stage for a command letter, or {@code null} for a letter that has no macro stage. */
    public static MacroStage ofCommandCode(char code) {
        for (MacroStage s : values()) {
            if (s.commandCode == code) {
                return s;
            }
        }
        return null;
    }
}
