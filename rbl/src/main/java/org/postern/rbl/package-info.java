/**
 * DNS blocklists: DNSBL lookups of the client IP and RHSBL lookups of names (HELO name, sender domain, verified
 * reverse name of the client), over the asynchronous resolver of module {@code dns}.
 *
 * <p>{@link org.postern.rbl.RblChecker} is the entry point. It takes {@link org.postern.rbl.RblList}s (zone, optional
 * key prefix, {@link org.postern.rbl.ReturnCodeRule}s, reply template) and returns one
 * {@link org.postern.rbl.RblOutcome} per list it asked. No component of any record is ever null; absent values are
 * {@link java.util.Optional#empty()}, lists are unmodifiable. Every rule broken in a compact constructor or factory
 * throws an {@link java.lang.IllegalArgumentException} with a sentence naming the list and the value.
 *
 * <p>References:
 * <ol>
 *   <li>RFC 5782, DNS Blacklists and Whitelists: §2.1 IPv4 query names, §2.2 domain-name lists, §2.3 lists that
 *       combine sublists by return code or bit, §2.4 IPv6 nibble query names, §5 test entries.</li>
 *   <li>Spamhaus, "DNSBL return codes" and "Using our public mirrors? Check your return codes now" (2021):
 *       127.255.255.252 typing error in the DNSBL name (also a bad DQS key), 127.255.255.254 query through a public or
 *       open resolver, 127.255.255.255 excessive number of queries. None of them is a listing.</li>
 *   <li>Postfix {@code postconf(5)}, {@code rbl_reply_maps} and {@code default_rbl_reply}: the template variables.</li>
 *   <li>rspamd {@code src/plugins/lua/rbl.lua}: {@code returncodes}, and {@code returnbits} (all bits of the mask
 *       set).</li>
 * </ol>
 */
package org.postern.rbl;
