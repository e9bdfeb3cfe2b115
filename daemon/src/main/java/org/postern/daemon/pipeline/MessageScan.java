package org.postern.daemon.pipeline;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

/**
 * A check's view of one message body: started at end of headers, fed every body chunk as Postfix sends it, finished
 * at end of message (DKIM body hashes). Called on the session's event loop; {@link #body} must be cheap and bounded
 * in memory (hash as the chunks come, keep nothing). {@link #finish} follows the rules of every check hook: it may
 * complete on any thread, and a failure or a missed budget becomes the check's temperror.
 */
public interface MessageScan {

    /** One chunk of the body, CRLF line ends, dot-stuffing undone; read-only, valid only during the call. */
    void body(ByteBuffer chunk);

    /**
     * The result, once the whole body has been seen.
     *
     * @param identities what SPF and other checks vouched for before DATA, for DMARC
     */
    CompletionStage<CheckResult> finish(java.util.List<AuthenticatedIdentity> identities);
}
