package org.postern.daemon.cli;

import java.util.concurrent.Callable;
import org.postern.config.HostPort;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code postern postfix-config}: prints the main.cf lines that connect Postfix to this Postern. */
@Command(name = "postfix-config", description = "Print the Postfix main.cf lines for this configuration.")
final class PostfixConfigCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        HostPort listen = common.load().milter().listen();
        String host = listen.host().indexOf(':') >= 0 ? "[" + listen.host() + "]" : listen.host();
        String milter = "inet:" + host + ":" + listen.port();
        var out = spec.commandLine().getOut();
        out.println("# Postern (paste into /etc/postfix/main.cf, then: postfix reload)");
        out.println("smtpd_milters = " + milter);
        out.println("non_smtpd_milters = " + milter);
        out.println("milter_protocol = 6");
        out.println("# accept: mail flows unfiltered while Postern is down; tempfail: senders retry later");
        out.println("milter_default_action = accept");
        out.println("# submission (master.cf): -o milter_macro_daemon_name=ORIGINATING marks outgoing mail");
        return 0;
    }
}
