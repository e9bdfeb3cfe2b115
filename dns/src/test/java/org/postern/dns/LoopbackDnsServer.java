package org.postern.dns;

import static java.util.Objects.requireNonNull;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A small DNS server on 127.0.0.1 for tests: UDP and TCP on the same free port, answering from a {@link DnsZone}.
 * It looks like a recursive resolver that is authoritative for everything (RA and AA set): it follows CNAME chains
 * inside the zone, answers NXDOMAIN, NODATA (with an SOA, RFC 2308 §3), SERVFAIL, or nothing at all, as the zone says
 * (see {@link DnsZone} for the exact rules).
 *
 * <p>UDP answers longer than 512 octets (RFC 1035 §4.2.1) are replaced by an empty answer with TC set, whatever EDNS
 * the query offers, so clients must retry over TCP (RFC 7766 §5). TCP connections take any number of queries, each
 * with its two-octet length prefix (RFC 1035 §4.2.2), answered in order.
 *
 * <p>Threads: one daemon thread reads UDP, one accepts TCP, one serves each TCP connection; {@link #close()} closes
 * every socket and waits briefly for the threads to end. Thread-safe: {@link #replaceZone} may be called while
 * queries are served. Unparseable queries are dropped.
 */
public final class LoopbackDnsServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LoopbackDnsServer.class.getName());
    /** RFC 1035 §4.2.1: UDP messages are at most 512 octets. */
    static final int MAX_UDP_ANSWER = 512;
    private static final int MAX_CHAIN = 16;

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final InetSocketAddress address;
    private volatile DnsZone zone;
    private volatile boolean closed;
    private final LongAdder queries = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> queriesByName = new ConcurrentHashMap<>();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();

    private LoopbackDnsServer(DatagramSocket udp, ServerSocket tcp, DnsZone zone) {
        this.udp = udp;
        this.tcp = tcp;
        this.zone = zone;
        this.address = new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort());
    }

    /** Binds UDP and TCP on 127.0.0.1 at one free port and starts serving {@code zone}. */
    public static LoopbackDnsServer start(DnsZone zone) {
        requireNonNull(zone, "zone");
        InetAddress loopback = InetAddress.getLoopbackAddress();
        IOException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            DatagramSocket udp = null;
            try {
                udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
                ServerSocket tcp = new ServerSocket();
                try {
                    tcp.bind(new InetSocketAddress(loopback, udp.getLocalPort()), 50);
                } catch (IOException e) {
                    tcp.close();
                    throw e;
                }
                LoopbackDnsServer server = new LoopbackDnsServer(udp, tcp, zone);
                server.startThreads();
                return server;
            } catch (BindException e) {
                last = e;   // the TCP port with UDP's number is taken: try another pair
                if (udp != null) {
                    udp.close();
                }
            } catch (IOException e) {
                if (udp != null) {
                    udp.close();
                }
                throw new IllegalStateException("cannot open loopback DNS sockets", e);
            }
        }
        throw new IllegalStateException("no free port with both UDP and TCP on 127.0.0.1", last);
    }

    /** One DNS server from a zone text; see {@link DnsZone#parse}. */
    public static LoopbackDnsServer start(String zoneText) {
        return start(DnsZone.parse(zoneText));
    }

    private void startThreads() {
        Thread u = new Thread(this::serveUdp, "loopback-dns-udp-" + address.getPort());
        Thread t = new Thread(this::acceptTcp, "loopback-dns-tcp-" + address.getPort());
        for (Thread thread : List.of(u, t)) {
            thread.setDaemon(true);
            synchronized (threads) {
                threads.add(thread);
            }
            thread.start();
        }
    }

    /** 127.0.0.1 and the port, the same for UDP and TCP. */
    public InetSocketAddress address() {
        return address;
    }

    /** Serves {@code zone} from now on. */
    public void replaceZone(DnsZone zone) {
        this.zone = requireNonNull(zone, "zone");
    }

    /** Every query received over UDP or TCP, answered or not (a TCP retry after TC counts again). */
    public long queriesReceived() {
        return queries.sum();
    }

    /** Queries received for one name (case-insensitive, trailing dot optional), any type. */
    public long queriesReceived(String name) {
        LongAdder n = queriesByName.get(DomainNames.toText(DomainNames.parseOrThrow(name)));
        return n == null ? 0 : n.sum();
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing loopback DNS TCP listener", e);
        }
        for (Socket s : connections) {
            closeQuietly(s);
        }
        List<Thread> all;
        synchronized (threads) {
            all = new ArrayList<>(threads);
        }
        for (Thread thread : all) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // --- transport ---

    private void serveUdp() {
        byte[] buffer = new byte[65535];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "loopback DNS UDP receive failed", e);
                }
                return;
            }
            byte[] query = java.util.Arrays.copyOfRange(packet.getData(), packet.getOffset(),
                    packet.getOffset() + packet.getLength());
            Optional<byte[]> answer = answerWire(query, true);
            if (answer.isPresent()) {
                try {
                    udp.send(new DatagramPacket(answer.get(), answer.get().length, packet.getSocketAddress()));
                } catch (IOException e) {
                    if (!closed) {
                        LOG.log(System.Logger.Level.WARNING, "loopback DNS UDP send failed", e);
                    }
                }
            }
        }
    }

    private void acceptTcp() {
        while (!closed) {
            Socket socket;
            try {
                socket = tcp.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "loopback DNS TCP accept failed", e);
                }
                return;
            }
            connections.add(socket);
            if (closed) {
                closeQuietly(socket);
                return;
            }
            Thread t = new Thread(() -> serveTcp(socket), "loopback-dns-tcp-conn-" + address.getPort());
            t.setDaemon(true);
            synchronized (threads) {
                threads.removeIf(old -> !old.isAlive());
                threads.add(t);
            }
            t.start();
        }
    }

    private void serveTcp(Socket socket) {
        try (socket) {
            InputStream raw = socket.getInputStream();
            DataInputStream in = new DataInputStream(raw);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            while (!closed) {
                int length;
                try {
                    length = in.readUnsignedShort();   // RFC 1035 §4.2.2 length prefix
                } catch (EOFException e) {
                    return;
                }
                byte[] query = new byte[length];
                in.readFully(query);
                Optional<byte[]> answer = answerWire(query, false);
                if (answer.isPresent()) {
                    out.writeShort(answer.get().length);
                    out.write(answer.get());
                    out.flush();
                }
            }
        } catch (SocketException e) {
            // closed by the client or by close()
        } catch (IOException e) {
            if (!closed) {
                LOG.log(System.Logger.Level.DEBUG, "loopback DNS TCP connection ended", e);
            }
        } finally {
            connections.remove(socket);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing loopback DNS TCP connection", e);
        }
    }

    private Optional<byte[]> answerWire(byte[] queryBytes, boolean overUdp) {
        Message query;
        try {
            query = new Message(queryBytes);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "dropping unparseable query", e);
            return Optional.empty();
        }
        queries.increment();
        Record question = query.getQuestion();
        if (question != null) {
            queriesByName.computeIfAbsent(DomainNames.toText(question.getName()), k -> new LongAdder()).increment();
        }
        Optional<Message> answer = answer(zone, query);
        if (answer.isEmpty()) {
            return Optional.empty();
        }
        byte[] wire = answer.get().toWire();
        if (overUdp && wire.length > MAX_UDP_ANSWER) {
            // RFC 1035 §4.2.1 / RFC 7766 §5: too long for UDP; an empty answer with TC sends the client to TCP.
            Message truncated = new Message(query.getHeader().getID());
            Header h = truncated.getHeader();
            copyFlags(answer.get().getHeader(), h);
            h.setFlag(Flags.TC);
            h.setRcode(answer.get().getRcode());
            truncated.addRecord(question, Section.QUESTION);
            wire = truncated.toWire();
        }
        return Optional.of(wire);
    }

    private static void copyFlags(Header from, Header to) {
        for (int flag : new int[] {Flags.QR, Flags.AA, Flags.RD, Flags.RA}) {
            if (from.getFlag(flag)) {
                to.setFlag(flag);
            }
        }
    }

    /** The answer to {@code query} from {@code zone}, or empty for no answer at all (TIMEOUT). */
    static Optional<Message> answer(DnsZone zone, Message query) {
        Message response = new Message(query.getHeader().getID());
        Header h = response.getHeader();
        h.setFlag(Flags.QR);
        h.setFlag(Flags.AA);
        h.setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            h.setFlag(Flags.RD);
        }
        Record question = query.getQuestion();
        if (question == null) {
            h.setRcode(Rcode.FORMERR);
            return Optional.of(response);
        }
        response.addRecord(question, Section.QUESTION);
        if (query.getHeader().getOpcode() != Opcode.QUERY) {
            h.setRcode(Rcode.NOTIMP);
            return Optional.of(response);
        }
        int type = question.getType();
        Name current = question.getName();
        Set<Name> visited = new HashSet<>();
        for (int hop = 0; hop <= MAX_CHAIN; hop++) {
            if (!visited.add(current) || zone.isServfail(current)) {
                return Optional.of(servfail(query, question));   // a CNAME loop, or a broken name
            }
            List<Record> here = zone.recordsAt(current);
            List<Record> matching = new ArrayList<>();
            Record cname = null;
            for (Record r : here) {
                if (r.getType() == type || type == Type.ANY) {
                    matching.add(r);
                } else if (r.getType() == Type.CNAME) {
                    cname = r;
                }
            }
            if (!matching.isEmpty()) {
                matching.forEach(r -> response.addRecord(r, Section.ANSWER));
                return Optional.of(response);
            }
            if (cname != null) {
                response.addRecord(cname, Section.ANSWER);
                if (!zone.chasesCnames()) {
                    return Optional.of(response);
                }
                current = ((org.xbill.DNS.CNAMERecord) cname).getTarget();
                continue;
            }
            if (zone.isTimeout(current) && !zone.isDeclaredNoData(current, type)) {
                return Optional.empty();
            }
            if (!zone.exists(current)) {
                h.setRcode(Rcode.NXDOMAIN);   // RFC 6604: the RCODE speaks of the last name of the chain
            }
            Record soa = zone.negativeSoa(current);
            if (soa != null) {
                response.addRecord(soa, Section.AUTHORITY);
            }
            return Optional.of(response);
        }
        return Optional.of(servfail(query, question));   // a chain longer than any real resolver follows
    }

    private static Message servfail(Message query, Record question) {
        Message m = new Message(query.getHeader().getID());
        Header h = m.getHeader();
        h.setFlag(Flags.QR);
        h.setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            h.setFlag(Flags.RD);
        }
        h.setRcode(Rcode.SERVFAIL);
        m.addRecord(question, Section.QUESTION);
        return m;
    }
}
