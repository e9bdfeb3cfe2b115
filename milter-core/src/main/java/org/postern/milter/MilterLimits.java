package org.postern.milter;

import java.time.Duration;

/**
 * Bounds for milter connections.
 *
 * @param maxFrameBytes     largest frame accepted (length field value); a larger one closes the connection. At least
 *                          65536 + 1 so a full BODY chunk fits (milter-protocol.md §1).
 * @param progressInterval  how long a stage may run before the session sends PROGRESS, and then again every interval
 * @param negotiationTimeout how long a new connection may take to send OPTNEG before it is closed
 * @param maxConnections    connections served at once; one more is closed at once (Postfix then applies
 *                          {@code milter_default_action} to that SMTP session), at least 1
 */
public record MilterLimits(int maxFrameBytes, Duration progressInterval, Duration negotiationTimeout,
                           int maxConnections) {

    /** 1 MiB frames, PROGRESS every 10 s, 30 s to negotiate (Postfix's milter_connect_timeout), 4096 connections. */
    public static final MilterLimits DEFAULT =
            new MilterLimits(1 << 20, Duration.ofSeconds(10), Duration.ofSeconds(30), 4096);

    public MilterLimits {
        if (maxFrameBytes < 65536 + 1) {
            throw new IllegalArgumentException("maxFrameBytes must be at least 65537 (a full BODY chunk), not "
                    + maxFrameBytes);
        }
        if (progressInterval.isNegative() || progressInterval.isZero()) {
            throw new IllegalArgumentException("progressInterval must be positive: " + progressInterval);
        }
        if (negotiationTimeout.isNegative() || negotiationTimeout.isZero()) {
            throw new IllegalArgumentException("negotiationTimeout must be positive: " + negotiationTimeout);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1: " + maxConnections);
        }
    }
}
