package org.postern.milter;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The macros known at one point of a session, kept per stage and looked up from the latest stage backwards (the
 * protocol's real model; see d--j/go-milter {@code macrosStages}). Immutable: the session hands each callback a
 * snapshot. Names may be given with or without braces: {@code get("daemon_name")} finds {@code {daemon_name}}.
 */
public final class Macros {

    /** Lookup order: the later stage wins (EOM macros come from cleanup(8), see milter-protocol.md §5.2). */
    private static final MacroStage[] LATEST_FIRST = {
        MacroStage.END_OF_MESSAGE, MacroStage.BODY, MacroStage.END_OF_HEADERS, MacroStage.HEADER, MacroStage.DATA,
        MacroStage.RCPT, MacroStage.MAIL, MacroStage.UNKNOWN, MacroStage.HELO, MacroStage.CONNECT,
    };

    private static final Macros EMPTY = new Macros(new EnumMap<>(MacroStage.class));

    private final EnumMap<MacroStage, Map<String, String>> byStage;

    private Macros(EnumMap<MacroStage, Map<String, String>> byStage) {
        this.byStage = byStage;
    }

    /** No macros at all. */
    public static Macros empty() {
        return EMPTY;
    }

    /** A copy with {@code values} as the macros of {@code stage}, replacing what that stage had. */
    public Macros with(MacroStage stage, Map<String, String> values) {
        EnumMap<MacroStage, Map<String, String>> copy = new EnumMap<>(byStage);
        copy.put(stage, Map.copyOf(values));
        return new Macros(copy);
    }

    /** A copy without the macros of the given stages (used when a transaction ends). */
    public Macros without(MacroStage... stages) {
        EnumMap<MacroStage, Map<String, String>> copy = new EnumMap<>(byStage);
        for (MacroStage s : stages) {
            copy.remove(s);
        }
        return new Macros(copy);
    }

    /** The value of a macro from the latest stage that defines it. */
    public Optional<String> get(String name) {
        for (MacroStage stage : LATEST_FIRST) {
            Optional<String> v = get(stage, name);
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    /** The value of a macro as sent at one stage. */
    public Optional<String> get(MacroStage stage, String name) {
        Map<String, String> values = byStage.get(stage);
        if (values == null) {
            return Optional.empty();
        }
        String v = values.get(name);
        if (v == null) {
            boolean braced = name.length() >= 2 && name.startsWith("{") && name.endsWith("}");
            v = values.get(braced ? name.substring(1, name.length() - 1) : "{" + name + "}");
        }
        return Optional.ofNullable(v);
    }

    /** The macros sent at one stage, in an unmodifiable map (empty when none). */
    public Map<String, String> stage(MacroStage stage) {
        return byStage.getOrDefault(stage, Map.of());
    }

    @Override
    public String toString() {
        return "Macros" + byStage;
    }
}
