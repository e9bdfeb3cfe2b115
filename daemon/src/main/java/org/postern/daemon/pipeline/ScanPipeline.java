package org.postern.daemon.pipeline;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.postern.milter.ActionFlag;
import org.postern.milter.MacroStage;
import org.postern.milter.MilterFilter;
import org.postern.milter.MilterFilterFactory;
import org.postern.milter.MilterOptions;
import org.postern.milter.ProtocolFlag;
import org.postern.milter.SessionInfo;

/**
 * The scan pipeline as the milter server sees it: one {@link ScanSession} per SMTP session, built from the settings
 * current when the session starts. {@link #update} swaps the settings for new sessions (SIGHUP reload); running
 * sessions finish on the settings they started with.
 *
 * <p>Negotiation asks Postfix only for what the checks need (milter-protocol.md §3): no reply to CONNECT, HELO, MAIL,
 * headers and end of headers (decisions wait for RCPT, so one round trip less per event); replies at RCPT, where
 * pre-DATA verdicts are given; body chunks without replies (DKIM hashes them as they come); no DATA or
 * unknown-command events; header values with their leading space (SMFIP_HDR_LEADSPC), exactly as sent, for DKIM's
 * sake; and the macros below, because Postfix's defaults lack the client address and the login at the stages where
 * they are wanted.
 */
public final class ScanPipeline implements MilterFilterFactory {

    static final MilterOptions OPTIONS = new MilterOptions(
            EnumSet.of(ActionFlag.ADD_HEADERS, ActionFlag.CHANGE_HEADERS, ActionFlag.QUARANTINE,
                    ActionFlag.SET_SYMBOL_LIST),
            EnumSet.of(ProtocolFlag.NR_CONNECT, ProtocolFlag.NR_HELO, ProtocolFlag.NR_MAIL, ProtocolFlag.NR_HEADER,
                    ProtocolFlag.NR_END_OF_HEADERS, ProtocolFlag.NO_DATA, ProtocolFlag.NR_BODY,
                    ProtocolFlag.NO_UNKNOWN, ProtocolFlag.HDR_LEADSPC),
            Map.of(
                    MacroStage.CONNECT, List.of("j", "{daemon_name}", "{daemon_addr}", "{client_addr}",
                            "{client_name}", "{client_ptr}", "_", "v"),
                    MacroStage.MAIL, List.of("i", "{auth_type}", "{auth_authen}", "{mail_addr}"),
                    MacroStage.RCPT, List.of("i", "{rcpt_addr}", "{rcpt_mailer}"),
                    MacroStage.END_OF_HEADERS, List.of("i"),
                    MacroStage.END_OF_MESSAGE, List.of("i", "{auth_authen}")));

    private final AtomicReference<PipelineSettings> settings;

    public ScanPipeline(PipelineSettings initial) {
        this.settings = new AtomicReference<>(initial);
    }

    /** New sessions use {@code next}; sessions already running keep theirs. */
    public void update(PipelineSettings next) {
        settings.set(next);
    }

    @Override
    public MilterOptions options() {
        return OPTIONS;
    }

    @Override
    public MilterFilter newFilter(SessionInfo session) {
        return new ScanSession(settings.get(), session);
    }
}
