package org.postern.config;

import static org.postern.config.Checks.orDefault;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * DNS blocklists, queried in parallel as soon as what they look up is known (the IP at CONNECT, names at HELO and
 * MAIL). YAML key {@code rbl}. None by default: public lists refuse queries from public resolvers and some need a
 * key, so an administrator chooses them (see conf/postern.yml for Spamhaus ZEN and DBL).
 *
 * @param lists the lists, in file order; names unique
 * @throws IllegalArgumentException if two lists share a name
 */
public record RblConfig(List<RblListConfig> lists) {

    static final RblConfig DEFAULTS = new RblConfig(null);

    public RblConfig {
        lists = Checks.listOf("lists", orDefault(lists, List.of()));
        Set<String> names = new HashSet<>();
        for (int i = 0; i < lists.size(); i++) {
            if (!names.add(lists.get(i).name())) {
                throw new InvalidValueException(List.of("lists", i, "name"), "repeats the list name "
                        + Checks.quote(lists.get(i).name()) + "; each list needs its own", List.of("lists", i, "name"),
                        false);
            }
        }
    }
}
