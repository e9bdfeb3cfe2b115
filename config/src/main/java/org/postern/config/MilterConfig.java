package org.postern.config;

import static org.postern.config.Checks.between;
import static org.postern.config.Checks.orDefault;

import java.time.Duration;

/**
 * The milter listener that Postfix connects to ({@code smtpd_milters = inet:127.0.0.1:11332}). YAML key {@code milter}.
 *
 * <p>A null component means its default, so {@code new MilterConfig(null, 1048576, null, null, 4096)} is the default.
 *
 * @param listen             where to listen; default {@code 127.0.0.1:11332}. Never null after construction.
 * @param maxFrameBytes      largest milter frame accepted, in bytes; a larger frame closes the connection.
 *                           65537 (a full 64 KiB BODY chunk plus its command byte) ..67108864; default 1048576.
 * @param progressInterval   how long a stage may run before the session sends SMFIR_PROGRESS, and then again at
 *                           this interval, so Postfix's {@code milter_*_timeout} does not fire; 100ms..5m, default 10s
 * @param negotiationTimeout how long a new connection may take to send SMFIC_OPTNEG before it is closed; 1s..5m,
 *                           default 30s
 * @param maxConnections     concurrent milter connections; more are refused, and Postfix applies
 *                           {@code milter_default_action}; 1..100000, default 4096
 * @throws IllegalArgumentException if a value is out of range; the message names the YAML key
 */
public record MilterConfig(HostPort listen, int maxFrameBytes, Duration progressInterval, Duration negotiationTimeout,
        int maxConnections) {

    static final MilterConfig DEFAULTS = new MilterConfig(null, 1 << 20, null, null, 4096);

    public MilterConfig {
        listen = orDefault(listen, new HostPort("127.0.0.1", 11332));
        between("max_frame_bytes", maxFrameBytes, 65_537, 64 << 20);
        progressInterval = between("progress_interval", orDefault(progressInterval, Duration.ofSeconds(10)),
                Duration.ofMillis(100), Duration.ofMinutes(5));
        negotiationTimeout = between("negotiation_timeout", orDefault(negotiationTimeout, Duration.ofSeconds(30)),
                Duration.ofSeconds(1), Duration.ofMinutes(5));
        between("max_connections", maxConnections, 1, 100_000);
    }
}
