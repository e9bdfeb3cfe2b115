package org.postern.daemon.pipeline;

/** The SMTP stages at which the pipeline runs checks (DESIGN.md, "Runtime shape"). */
public enum Stage {
    CONNECT,
    HELO,
    MAIL,
    RCPT,
    END_OF_HEADERS,
    END_OF_MESSAGE;

    /** Whether evidence of this stage is known before DATA, and so may decide an RCPT-stage verdict. */
    public boolean isPreData() {
        return this.compareTo(RCPT) <= 0;
    }
}
