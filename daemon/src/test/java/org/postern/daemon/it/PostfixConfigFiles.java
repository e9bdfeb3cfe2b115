package org.postern.daemon.it;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The main.cf and master.cf of one {@link PostfixInstance}: everything the instance needs to know before it starts.
 * The defaults and the reasons for them are here; {@link PostfixInstance.Builder} only collects the test's choices.
 *
 * @param dir            the instance's directory ({@code etc/}, {@code spool/}, {@code data/}, {@code mail/})
 * @param smtpPort       the inbound smtpd's port on 127.0.0.1
 * @param submissionPort the submission smtpd's port on 127.0.0.1 ({@code milter_macro_daemon_name=ORIGINATING})
 * @param milterPort     where {@code smtpd_milters} and {@code non_smtpd_milters} point
 * @param users          the virtual mailboxes, each {@code user@example.test} delivered to {@code mail/user/}
 * @param extra          further main.cf parameters, written after (and so over) the defaults
 */
record PostfixConfigFiles(Path dir, int smtpPort, int submissionPort, int milterPort, List<String> users,
        Duration milterConnectTimeout, Duration milterCommandTimeout, Duration milterContentTimeout,
        String milterDefaultAction, Map<String, String> extra) {

    PostfixConfigFiles {
        requireNonNull(dir, "dir");
        users = List.copyOf(users);
        requireNonNull(milterConnectTimeout, "milterConnectTimeout");
        requireNonNull(milterCommandTimeout, "milterCommandTimeout");
        requireNonNull(milterContentTimeout, "milterContentTimeout");
        requireNonNull(milterDefaultAction, "milterDefaultAction");
        extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /** {@code inet:127.0.0.1:PORT}, as main.cf names a milter. */
    static String milterSpec(int port) {
        return "inet:127.0.0.1:" + port;
    }

    /** The main.cf text. */
    String mainCf() {
        StringBuilder text = new StringBuilder("# Written by PostfixInstance for a test; deleted with it.\n");
        mainCfParameters().forEach((name, value) -> text.append(name).append(" = ").append(value).append('\n'));
        return text.toString();
    }

    /** The master.cf text: two smtpd services on our ports and the internal services, none chrooted. */
    String masterCf() {
        return """
                # Written by PostfixInstance. No chroot, no smtp/lmtp client: nothing can leave the machine.
                # service type  private unpriv  chroot  wakeup  maxproc command
                127.0.0.1:%1$d inet  n       -       n       -       -       smtpd
                127.0.0.1:%2$d inet  n       -       n       -       -       smtpd
                  -o syslog_name=postfix/submission
                  -o milter_macro_daemon_name=ORIGINATING
                pickup    unix  n       -       n       60      1       pickup
                cleanup   unix  n       -       n       -       0       cleanup
                qmgr      unix  n       -       n       300     1       qmgr
                rewrite   unix  -       -       n       -       -       trivial-rewrite
                bounce    unix  -       -       n       -       0       bounce
                defer     unix  -       -       n       -       0       bounce
                trace     unix  -       -       n       -       0       bounce
                verify    unix  -       -       n       -       1       verify
                flush     unix  n       -       n       1000?   0       flush
                proxymap  unix  -       -       n       -       -       proxymap
                showq     unix  n       -       n       -       -       showq
                error     unix  -       -       n       -       -       error
                retry     unix  -       -       n       -       -       error
                discard   unix  -       -       n       -       -       discard
                virtual   unix  -       n       n       -       -       virtual
                anvil     unix  -       -       n       -       1       anvil
                scache    unix  -       -       n       -       1       scache
                postlog   unix-dgram n  -       n       -       1       postlogd
                """.formatted(smtpPort, submissionPort);
    }

    private Map<String, String> mainCfParameters() {
        String milter = milterSpec(milterPort);
        Map<String, String> cf = new LinkedHashMap<>();
        cf.put("compatibility_level", "3.6");
        cf.put("queue_directory", dir.resolve("spool").toString());
        cf.put("data_directory", dir.resolve("data").toString());
        // postlogd instead of syslog; the file must lie under one of maillog_file_prefixes (default /var, /dev/stdout).
        cf.put("maillog_file", dir.resolve("maillog").toString());
        cf.put("maillog_file_prefixes", dir.toString());
        cf.put("myhostname", PostfixInstance.HOSTNAME);
        cf.put("mydomain", PostfixInstance.DOMAIN);
        cf.put("myorigin", "$myhostname");
        cf.put("mydestination", "");
        cf.put("inet_interfaces", "127.0.0.1");
        cf.put("inet_protocols", "ipv4");
        cf.put("mynetworks", "127.0.0.0/8");
        cf.put("relayhost", "");
        // Nothing ever leaves this machine: smtpd refuses recipients whose transport is error, and anything else for a
        // remote address bounces here.
        cf.put("default_transport", "error:5.7.1 the test instance relays nothing");
        cf.put("relay_transport", "error:5.7.1 the test instance relays nothing");
        cf.put("local_transport", "error:5.7.1 the test instance has no local delivery");
        cf.put("alias_maps", "");
        cf.put("alias_database", "");
        cf.put("biff", "no");
        // No reverse DNS (tests run without a resolver); clients show up as unknown[127.0.0.1] unless XCLIENT names
        // them.
        cf.put("smtpd_peername_lookup", "no");
        cf.put("smtpd_authorized_xclient_hosts", "127.0.0.1");
        cf.put("smtpd_error_sleep_time", "0s");
        cf.put("virtual_mailbox_domains", PostfixInstance.DOMAIN);
        cf.put("virtual_mailbox_base", dir.resolve("mail").toString());
        // virtual(8) refuses $1 substitution from regexp tables, so every mailbox is listed.
        cf.put("virtual_mailbox_maps", "inline:{ " + users.stream()
                .map(u -> PostfixInstance.address(u) + "=" + u + "/")
                .collect(Collectors.joining(", ")) + " }");
        cf.put("virtual_uid_maps", "static:" + PostfixInstance.MAILBOX_UID);
        cf.put("virtual_gid_maps", "static:" + PostfixInstance.MAILBOX_UID);
        cf.put("smtpd_milters", milter);
        cf.put("non_smtpd_milters", milter);
        cf.put("milter_protocol", "6");
        cf.put("milter_default_action", milterDefaultAction);
        cf.put("milter_connect_timeout", seconds(milterConnectTimeout));
        cf.put("milter_command_timeout", seconds(milterCommandTimeout));
        cf.put("milter_content_timeout", seconds(milterContentTimeout));
        // Fast queue: deliver at once, retry deferred mail within a second or two.
        cf.put("in_flow_delay", "0s");
        cf.put("queue_run_delay", "1s");
        cf.put("minimal_backoff_time", "1s");
        cf.put("maximal_backoff_time", "2s");
        cf.putAll(extra);
        return cf;
    }

    /** Postfix time values take whole seconds here; anything shorter becomes 1s. */
    private static String seconds(Duration d) {
        return Math.max(1, d.toSeconds()) + "s";
    }
}
