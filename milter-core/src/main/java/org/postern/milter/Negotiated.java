package org.postern.milter;

import java.util.Set;

/** The outcome of option negotiation for one connection. */
public record Negotiated(int version, Set<ActionFlag> actions, Set<ProtocolFlag> protocol) {

    public Negotiated {
        actions = Set.copyOf(actions);
        protocol = Set.copyOf(protocol);
    }

    public boolean has(ActionFlag flag) {
        return actions.contains(flag);
    }

    public boolean has(ProtocolFlag flag) {
        return protocol.contains(flag);
    }
}
