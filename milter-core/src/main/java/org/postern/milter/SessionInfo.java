package org.postern.milter;

import java.net.SocketAddress;

/** Who is on the other end of a milter connection: our own id for it and the MTA's socket address. */
public record SessionInfo(long id, SocketAddress mtaAddress) {}
