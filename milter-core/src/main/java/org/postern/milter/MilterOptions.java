package org.postern.milter;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a filter asks for in option negotiation. The session answers with the intersection of this and the MTA's offer
 * (never more: Postfix fails the milter when a mask exceeds its offer, milter-protocol.md §3.2), and version
 * {@code min(6, offered)}. Macro lists are sent only when both sides have SETSYMLIST; a requested list replaces the
 * MTA's default for that stage. Requesting any macro list implies asking for {@link ActionFlag#SET_SYMBOL_LIST}: the
 * session adds it to {@link #actions()} when it negotiates.
 *
 * @param actions       the SMFIF_* actions the filters may use (the session asks for no more than the MTA offers)
 * @param protocol      the SMFIP_* bits: events to skip ({@code NO_*}) or not to answer ({@code NR_*}), SKIP, ...
 * @param macroRequests macro names per SETSYMLIST stage, braces included for long names ({@code {client_addr}});
 *                      each name non-empty, without spaces or NUL
 */
public record MilterOptions(Set<ActionFlag> actions, Set<ProtocolFlag> protocol,
                            Map<MacroStage, List<String>> macroRequests) {

    /** The highest protocol version this implementation speaks. */
    public static final int VERSION = 6;

    public MilterOptions {
        actions = actions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(actions));
        protocol = protocol.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(protocol));
        Map<MacroStage, List<String>> lists = new EnumMap<>(MacroStage.class);
        macroRequests.forEach((stage, names) -> {
            if (stage.symbolListIndex() < 0) {
                throw new IllegalArgumentException("macros cannot be requested for stage " + stage);
            }
            for (String name : names) {
                // The list goes on the wire space-separated and NUL-terminated (SMFIR_SETSYMLIST, §3.4).
                if (name.isEmpty() || name.indexOf(' ') >= 0 || name.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("macro name must be non-empty without spaces or NUL: '"
                            + name + "' (stage " + stage + ")");
                }
            }
            lists.put(stage, List.copyOf(names));
        });
        macroRequests = Map.copyOf(lists);
    }
}
