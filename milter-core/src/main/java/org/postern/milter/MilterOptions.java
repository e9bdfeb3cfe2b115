package org.postern.milter;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a filter asks for in option negotiation. The session answers with the intersection of this and the MTA's offer
 * (never more: Postfix fails the milter when a mask exceeds its offer, milter-protocol.md §3.2), and version
 * {@code min(6, offered)}. Macro lists are sent only when both sides have SETSYMLIST; a requested list replaces the
 * MTA's default for that stage.
 */
public record MilterOptions(Set<ActionFlag> actions, Set<ProtocolFlag> protocol,
                            Map<MacroStage, List<String>> macroRequests) {

    /** The highest protocol version this implementation speaks. */
    public static final int VERSION = 6;

    public MilterOptions {
        actions = actions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(actions));
        protocol = protocol.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(protocol));
        macroRequests = Map.copyOf(macroRequests);
        macroRequests.forEach((stage, names) -> {
            if (stage.symbolListIndex() < 0) {
                throw new IllegalArgumentException("macros cannot be requested for stage " + stage);
            }
            List.copyOf(names);
        });
    }
}
