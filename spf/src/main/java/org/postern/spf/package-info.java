/**
 * SPF, the Sender Policy Framework (RFC 7208): {@link org.postern.spf.SpfEvaluator} checks whether an SMTP client
 * may send for the MAIL FROM or HELO domain, asynchronously over {@code org.postern.dns}; {@link
 * org.postern.spf.SpfResult} is the result; {@link org.postern.spf.ReceivedSpf} writes the Received-SPF and
 * Authentication-Results values. Everything else in the package is machinery: the record parser (one small class per
 * mechanism and modifier, each with its ABNF), macro expansion, and check_host() itself ({@code HostCheck}).
 */
package org.postern.spf;
