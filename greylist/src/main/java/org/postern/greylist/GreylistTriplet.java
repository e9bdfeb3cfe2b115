package org.postern.greylist;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The store keys one {@link GreylistRequest} touches, computed once per check.
 *
 * @param byNetwork       the triplet proper: client network, normalized sender, recipient
 * @param byReverseDomain the rotation triplet (client's verified reverse domain, sender domain, recipient), when
 *                        the client has a usable verified name
 * @param clients         the client's network, then its reverse domain if any: what auto-allowlisting counts
 */
record GreylistTriplet(GreylistKey.Triplet byNetwork, Optional<GreylistKey.Triplet> byReverseDomain,
                       List<GreylistKey.Client> clients) {

    static GreylistTriplet of(GreylistRequest request, GreylistPolicy policy) {
        ClientGroup network = ClientGroup.network(request.clientIp(), policy.ipv4Prefix(), policy.ipv6Prefix());
        Optional<ClientGroup> domain = ReverseNames.group(request.verifiedClientName(), request.clientIp());
        String sender = SenderAddress.normalizeSender(request.sender());
        String recipient = SenderAddress.normalizeRecipient(request.recipient());
        List<GreylistKey.Client> clients = new ArrayList<>(2);
        clients.add(new GreylistKey.Client(network));
        domain.ifPresent(d -> clients.add(new GreylistKey.Client(d)));
        return new GreylistTriplet(new GreylistKey.Triplet(network, sender, recipient),
                domain.map(d -> new GreylistKey.Triplet(d, SenderAddress.domain(sender), recipient)),
                List.copyOf(clients));
    }
}
