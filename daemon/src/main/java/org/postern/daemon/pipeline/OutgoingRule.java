package org.postern.daemon.pipeline;

import java.util.Optional;
import org.postern.config.Cidr;
import org.postern.config.OutgoingConfig;

/**
 * Which mail is outgoing (milter-protocol.md §6): mail from a submission service ({@code {daemon_name}} is one of
 * the configured names, ORIGINATING by default), from an authenticated client, local submissions (the sendmail
 * command), and mail from configured networks. Never the client IP alone by default: all local test traffic and many
 * relays share 127.0.0.1.
 */
record OutgoingRule(OutgoingConfig config) {

    /** Whether a transaction on this connection, with this SASL login, is outgoing. */
    boolean isOutgoing(ConnectionFacts connection, Optional<String> authUser) {
        if (config.daemonNames().contains(connection.daemonName())) {
            return true;
        }
        if (config.authenticated() && authUser.isPresent()) {
            return true;
        }
        if (config.localSubmission() && connection.localSubmission()) {
            return true;
        }
        if (connection.clientIp().isPresent()) {
            for (Cidr network : config.networks()) {
                if (network.contains(connection.clientIp().get())) {
                    return true;
                }
            }
        }
        return false;
    }
}
