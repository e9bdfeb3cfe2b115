package org.postern.daemon.pipeline;

/** The SMTP stages at which the pipeline runs checks (DESIGN.md, "Runtime shape"). */
public enum Stage {
    CONNECT,
    HELO,
    MAIL,
    RCPT,
    END_OF_HEADERS,
    END_OF_MESSAGE
}
