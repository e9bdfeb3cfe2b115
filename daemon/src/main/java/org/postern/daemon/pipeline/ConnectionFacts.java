package org.postern.daemon.pipeline;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.Optional;

/**
 * What is known about the SMTP client for the whole connection (kept across transactions and ABORT).
 *
 * @param clientAddress   the client IP as Postfix sent it, empty for a unix-socket or unknown client
 * @param clientIp        the parsed client IP, if the address is an IP literal
 * @param clientName      the verified reverse name, or {@code [ip]} when Postfix could not verify one
 * @param clientPort      the client's TCP port; 0 for local submission (sendmail command via cleanup)
 * @param helo            the last HELO/EHLO argument, empty before HELO
 * @param daemonName      {@code {daemon_name}} from the CONNECT macros (ORIGINATING on submission services);
 *                        read at CONNECT because cleanup(8) sends another value at end of message (milter-protocol.md §5.2)
 * @param localSubmission whether this is Postfix's simulated session for local mail (CONNECT port 0, §11)
 */
public record ConnectionFacts(String clientAddress, Optional<InetAddress> clientIp, String clientName, int clientPort,
                              String helo, String daemonName, boolean localSubmission) {

    public ConnectionFacts {
        requireNonNull(clientAddress, "clientAddress");
        requireNonNull(clientIp, "clientIp");
        requireNonNull(clientName, "clientName");
        requireNonNull(helo, "helo");
        requireNonNull(daemonName, "daemonName");
    }

    /** Whether Postfix verified the client's reverse name (it sends {@code [ip]} otherwise). */
    public boolean clientNameVerified() {
        return !clientName.startsWith("[");
    }

    /**
     * Whether the client is another host: an IP address that is not loopback. A loopback client is this host's own
     * service (webmail, a content filter) and one without an IP a unix socket or an unknown client; SPF, DMARC and
     * Bayes judge neither.
     */
    public boolean remoteClient() {
        return clientIp.map(ip -> !ip.isLoopbackAddress()).orElse(false);
    }

    public ConnectionFacts withHelo(String newHelo) {
        return new ConnectionFacts(clientAddress, clientIp, clientName, clientPort, newHelo, daemonName,
                localSubmission);
    }
}
