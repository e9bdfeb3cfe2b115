package org.postern.config;

import static org.postern.config.Checks.orDefault;

import java.util.List;
import java.util.regex.Pattern;

/**
 * How Postern recognises outgoing mail, which it DKIM-signs and does not score as spam. A message is outgoing if any
 * one rule matches. YAML key {@code outgoing}.
 *
 * @param daemonNames     values of Postfix's {@code {daemon_name}} macro that mark outgoing mail, as set with
 *                        {@code -o milter_macro_daemon_name=ORIGINATING} on the submission service; default
 *                        {@code [ORIGINATING]}; empty disables the rule. Null means the default; never null after
 *                        construction; elements are non-empty and have no spaces.
 * @param authenticated   whether mail from SMTP-AUTH clients ({@code {auth_authen}} set) is outgoing; default true
 * @param localSubmission whether mail submitted on this host without SMTP ({@code sendmail}, Postfix's pickup, seen
 *                        through {@code non_smtpd_milters}) is outgoing; default true
 * @param networks        client networks whose mail is outgoing, like Postfix's {@code mynetworks}; default empty.
 *                        Null means empty; never null after construction.
 * @throws IllegalArgumentException if a daemon name is empty or has spaces; the message names the YAML key
 */
public record OutgoingConfig(List<String> daemonNames, boolean authenticated, boolean localSubmission,
        List<Cidr> networks) {

    private static final Pattern DAEMON_NAME = Pattern.compile("[!-~]+");

    // Last: the constructor it calls reads the constants above.
    static final OutgoingConfig DEFAULTS = new OutgoingConfig(null, true, true, null);

    public OutgoingConfig {
        daemonNames = checkDaemonNames(Checks.listOf("daemon_names", orDefault(daemonNames, List.of("ORIGINATING"))));
        networks = Checks.listOf("networks", orDefault(networks, List.of()));
    }

    private static List<String> checkDaemonNames(List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            if (!DAEMON_NAME.matcher(names.get(i)).matches()) {
                throw new InvalidValueException(List.of("daemon_names", i), "must be a Postfix service name"
                        + " without spaces, such as ORIGINATING, not " + Checks.quote(names.get(i)),
                        List.of("daemon_names", i), false);
            }
        }
        return names;
    }
}
