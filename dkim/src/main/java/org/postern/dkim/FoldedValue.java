package org.postern.dkim;

/**
 * Writes a header value folded at 78 columns (RFC 5322 §2.1.1), with LF + TAB as the fold: the form Postfix takes
 * in SMFIR_INSHEADER with SMFIP_HDR_LEADSPC, and the one milter-core's header edits use. Simple canonicalization
 * hashes each LF as CRLF (see {@link Canonicalization}), which is what Postfix then writes on the wire.
 */
final class FoldedValue {

    private static final int WIDTH = 78;

    private final StringBuilder text = new StringBuilder();
    private int column;

    /** @param column the column the value starts in: the length of "Name:" */
    FoldedValue(int column) {
        this.column = column;
    }

    /** Appends {@code piece} after a space, or on a new line when it would pass the width. */
    FoldedValue word(String piece) {
        return append(piece, " ");
    }

    /** Appends {@code piece} right after what is there, or on a new line when it would pass the width. */
    FoldedValue glued(String piece) {
        return append(piece, "");
    }

    private FoldedValue append(String piece, String separator) {
        if (column + separator.length() + piece.length() > WIDTH && column > 1) {
            text.append("\n\t");
            column = 1;   // the TAB, counted as one column as RFC 5322 counts characters
        } else {
            text.append(separator);
            column += separator.length();
        }
        text.append(piece);
        column += piece.length();
        return this;
    }

    /** Appends {@code chars} in pieces that fill each line, folding between pieces (for base64). */
    FoldedValue fill(String chars) {
        int i = 0;
        while (i < chars.length()) {
            int room = WIDTH - column;
            if (room <= 0) {
                text.append("\n\t");
                column = 1;
                room = WIDTH - column;
            }
            int end = Math.min(chars.length(), i + room);
            text.append(chars, i, end);
            column += end - i;
            i = end;
        }
        return this;
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
