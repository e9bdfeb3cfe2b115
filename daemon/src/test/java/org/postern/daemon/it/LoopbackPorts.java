package org.postern.daemon.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Free TCP ports on 127.0.0.1 for servers that a test configures before they start (Postfix, a proxy). */
final class LoopbackPorts {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private LoopbackPorts() {}

    /**
     * A port that nothing listens on right now. The kernel picks it from the ephemeral range and does not hand it
     * out again soon, so the short window until the caller binds it is not a practical race.
     */
    static int free() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(LOOPBACK, 0), 1);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }
}
