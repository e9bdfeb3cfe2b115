package org.postern.dns;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SPFRecord;
import org.xbill.DNS.TXTRecord;

/** dnsjava {@link Record}s to Postern's {@link DnsRecord} values (names via {@link DomainNames}). */
final class WireRecords {

    private WireRecords() {
    }

    /** The record's data, or empty when dnsjava gave a class we did not expect for its type. */
    static Optional<DnsRecord> decode(Record r) {
        DnsRecord out;
        if (r instanceof ARecord) {
            try {
                // From the raw 4 octets: ARecord.getAddress() carries the owner name as the host name, which would
                // leak into toString() (and with it a blocklist's DQS key into logs).
                out = new DnsRecord.A(InetAddress.getByAddress(r.rdataToWireCanonical()));
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        } else if (r instanceof AAAARecord) {
            try {
                // From the raw 16 octets: InetAddress would turn an IPv4-mapped address into an Inet4Address.
                out = new DnsRecord.Aaaa(Inet6Address.getByAddress(null, r.rdataToWireCanonical(), null));
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        } else if (r instanceof MXRecord mx) {
            out = new DnsRecord.Mx(mx.getPriority(), DomainNames.toText(mx.getTarget()));
        } else if (r instanceof TXTRecord txt) {
            out = new DnsRecord.Txt(CharacterStrings.decode(txt.getStringsAsByteArrays()));
        } else if (r instanceof SPFRecord spf) {
            out = new DnsRecord.Spf(CharacterStrings.decode(spf.getStringsAsByteArrays()));
        } else if (r instanceof PTRRecord ptr) {
            out = new DnsRecord.Ptr(DomainNames.toText(ptr.getTarget()));
        } else if (r instanceof CNAMERecord cname) {
            out = new DnsRecord.Cname(DomainNames.toText(cname.getTarget()));
        } else if (r instanceof NSRecord ns) {
            out = new DnsRecord.Ns(DomainNames.toText(ns.getTarget()));
        } else if (r instanceof SOARecord soa) {
            out = new DnsRecord.Soa(DomainNames.toText(soa.getHost()), DomainNames.toText(soa.getAdmin()),
                    soa.getSerial(), Duration.ofSeconds(soa.getRefresh()), Duration.ofSeconds(soa.getRetry()),
                    Duration.ofSeconds(soa.getExpire()), Duration.ofSeconds(soa.getMinimum()));
        } else {
            return Optional.empty();
        }
        return Optional.of(out);
    }

}
