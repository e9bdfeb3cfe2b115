package org.postern.milter;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A packet from the milter to the MTA (milter-protocol.md §7). {@link Response}s end an event; {@link Modification}s
 * are sent only in answer to end of message, before its final response; {@link Progress} restarts the MTA's timer.
 */
public sealed interface MilterReply {

    /** The libmilter reply letter, e.g. {@code 'c'} for SMFIR_CONTINUE. */
    char code();

    /** The one final answer to an event. */
    sealed interface Response extends MilterReply {
        /** Whether this response ends the message as far as the MTA is concerned (everything but CONTINUE and SKIP). */
        default boolean endsMessage() { return true; }
    }

    /** A header or envelope change, allowed only before the final response to end of message. */
    sealed interface Modification extends MilterReply {
        /** The SMFIF_* action the MTA must have agreed to for this change (mfapi.h; milter-protocol.md §7). */
        ActionFlag requiredAction();
    }

    Continue CONTINUE = new Continue();
    Accept ACCEPT = new Accept();
    Reject REJECT = new Reject();
    TempFail TEMPFAIL = new TempFail();
    Discard DISCARD = new Discard();
    Skip SKIP = new Skip();
    Progress PROGRESS = new Progress();

    /** SMFIR_CONTINUE: go on with the next event. */
    record Continue() implements Response {
        public char code() { return 'c'; }
        @Override public boolean endsMessage() { return false; }
    }

    /** SMFIR_ACCEPT: accept without further filtering (at RCPT: the rest of the message is not filtered). */
    record Accept() implements Response {
        public char code() { return 'a'; }
    }

    /** SMFIR_REJECT: reject with the MTA's own text ({@code 550 5.7.1 Command rejected}). */
    record Reject() implements Response {
        public char code() { return 'r'; }
    }

    /** SMFIR_TEMPFAIL: temporary failure with the MTA's own text. */
    record TempFail() implements Response {
        public char code() { return 't'; }
    }

    /** SMFIR_DISCARD: accept and silently drop the message. */
    record Discard() implements Response {
        public char code() { return 'd'; }
    }

    /** SMFIR_REPLYCODE: reject (5xx) or tempfail (4xx) with our own text. */
    record ReplyCode(SmtpReply reply) implements Response {
        public ReplyCode { requireNonNull(reply, "reply"); }
        public char code() { return 'y'; }
    }

    /** SMFIR_SKIP: no more body chunks, please (only after BODY, only with SMFIP_SKIP). */
    record Skip() implements Response {
        public char code() { return 's'; }
        @Override public boolean endsMessage() { return false; }
    }

    /** SMFIR_SHUTDOWN: Postfix answers the client {@code 421 4.7.0} and ends the SMTP session. */
    record Shutdown() implements Response {
        public char code() { return '4'; }
    }

    /** SMFIR_PROGRESS: still working; restarts the MTA's timeout. */
    record Progress() implements MilterReply {
        public char code() { return 'p'; }
    }

    /**
     * SMFIC_OPTNEG answer: version, action and protocol masks, and the macro lists requested per stage (SETSYMLIST,
     * milter-protocol.md §3.4; each list is sent space-separated after the 12 fixed bytes).
     */
    record Negotiation(int version, int actions, int protocol, Map<MacroStage, List<String>> macroRequests)
            implements MilterReply {
        public Negotiation {
            Map<MacroStage, List<String>> lists = new EnumMap<>(MacroStage.class);
            macroRequests.forEach((stage, names) -> {
                if (stage.symbolListIndex() < 0) {
                    throw new IllegalArgumentException("macros cannot be requested for stage " + stage);
                }
                lists.put(stage, List.copyOf(names));
            });
            macroRequests = Map.copyOf(lists);
        }
        public char code() { return 'O'; }
    }

    /** SMFIR_ADDHEADER: append a header after the last one. */
    record AddHeader(String name, String value) implements Modification {
        public AddHeader { HeaderText.checkName(name); HeaderText.checkValue(value); }
        public char code() { return 'h'; }
        public ActionFlag requiredAction() { return ActionFlag.ADD_HEADERS; }
    }

    /**
     * SMFIR_INSHEADER: insert at {@code index}, counted from the very top of the stored message and including
     * Postfix's own Received: header (index 1 is just below it; milter-protocol.md §7).
     */
    record InsertHeader(int index, String name, String value) implements Modification {
        public InsertHeader {
            if (index < 0) {
                throw new IllegalArgumentException("index must be >= 0: " + index);
            }
            HeaderText.checkName(name);
            HeaderText.checkValue(value);
        }
        public char code() { return 'i'; }
        public ActionFlag requiredAction() { return ActionFlag.ADD_HEADERS; }
    }

    /**
     * SMFIR_CHGHEADER: change the {@code index}-th (1-based) header named {@code name} among those the milter saw; an
     * empty value deletes it, an index past the last occurrence adds the header.
     */
    record ChangeHeader(int index, String name, String value) implements Modification {
        public ChangeHeader {
            if (index < 1) {
                throw new IllegalArgumentException("index is 1-based: " + index);
            }
            HeaderText.checkName(name);
            HeaderText.checkValue(value);
        }
        public char code() { return 'm'; }
        public ActionFlag requiredAction() { return ActionFlag.CHANGE_HEADERS; }
    }

    /** SMFIR_ADDRCPT. */
    record AddRecipient(String recipient) implements Modification {
        public AddRecipient { HeaderText.checkNoNul(recipient, "recipient"); }
        public char code() { return '+'; }
        public ActionFlag requiredAction() { return ActionFlag.ADD_RECIPIENT; }
    }

    /** SMFIR_ADDRCPT_PAR: add a recipient with ESMTP arguments. */
    record AddRecipientWithArgs(String recipient, String esmtpArgs) implements Modification {
        public AddRecipientWithArgs {
            HeaderText.checkNoNul(recipient, "recipient");
            HeaderText.checkNoNul(esmtpArgs, "esmtpArgs");
        }
        public char code() { return '2'; }
        public ActionFlag requiredAction() { return ActionFlag.ADD_RECIPIENT_PAR; }
    }

    /** SMFIR_DELRCPT: remove a recipient, spelled as in its RCPT command. */
    record DeleteRecipient(String recipient) implements Modification {
        public DeleteRecipient { HeaderText.checkNoNul(recipient, "recipient"); }
        public char code() { return '-'; }
        public ActionFlag requiredAction() { return ActionFlag.DELETE_RECIPIENT; }
    }

    /** SMFIR_CHGFROM: replace the envelope sender, optionally with ESMTP arguments. */
    record ChangeSender(String sender, Optional<String> esmtpArgs) implements Modification {
        public ChangeSender {
            HeaderText.checkNoNul(sender, "sender");
            requireNonNull(esmtpArgs, "esmtpArgs").ifPresent(a -> HeaderText.checkNoNul(a, "esmtpArgs"));
        }
        public char code() { return 'e'; }
        public ActionFlag requiredAction() { return ActionFlag.CHANGE_FROM; }
    }

    /**
     * SMFIR_REPLBODY: the whole new body. The encoder splits it into packets of at most 65535 bytes (libmilter's
     * limit), which the MTA concatenates.
     */
    record ReplaceBody(ByteBuffer body) implements Modification {
        public ReplaceBody { body = body.asReadOnlyBuffer(); }
        public char code() { return 'b'; }
        public ActionFlag requiredAction() { return ActionFlag.CHANGE_BODY; }
    }

    /** SMFIR_QUARANTINE: put the message on hold (Postfix: the hold queue); the reason is only logged. */
    record Quarantine(String reason) implements Modification {
        public Quarantine { HeaderText.checkNoNul(reason, "reason"); }
        public char code() { return 'q'; }
        public ActionFlag requiredAction() { return ActionFlag.QUARANTINE; }
    }
}
