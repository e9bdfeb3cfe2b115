package org.postern.spf;

/** The values of the macro letters for one expansion (RFC 7208 §7.3). */
interface MacroValues {

    /**
     * The value of a lower-case macro letter (one of "slodiphcrtv"), before transformers; never null.
     */
    String value(char letter);
}
