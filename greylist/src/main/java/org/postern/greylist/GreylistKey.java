package org.postern.greylist;

import static java.util.Objects.requireNonNull;

/**
 * What a {@link GreylistStore} entry is about. Triplets map to {@link GreylistEntry.Pending} or {@link
 * GreylistEntry.Passed}; clients map to {@link GreylistEntry.Counting} or {@link GreylistEntry.Allowlisted}.
 */
public sealed interface GreylistKey {

    /** The client group the key belongs to. */
    ClientGroup client();

    /**
     * A greylisting triplet. For a {@link ClientGroup.Kind#NETWORK} client the sender is the normalized envelope
     * sender ("" for the null sender); for a {@link ClientGroup.Kind#REVERSE_DOMAIN} client it is the sender's domain
     * only, because big senders vary the local part (VERP) as well as the outbound address.
     *
     * @param client    who sends
     * @param sender    normalized sender or sender domain; may be empty, no NUL
     * @param recipient normalized recipient; no NUL
     */
    record Triplet(ClientGroup client, String sender, String recipient) implements GreylistKey {
        /** Checks that nothing is null and no field has a NUL (the key encoding separates fields with NUL). */
        public Triplet {
            requireNonNull(client, "client");
            requireNonNull(sender, "sender");
            requireNonNull(recipient, "recipient");
            if (sender.indexOf('\0') >= 0 || recipient.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("triplet fields must not contain NUL");
            }
        }
    }

    /**
     * A client's own entry: its count of passed triplets, or its auto-allowlisting.
     *
     * @param client the client group
     */
    record Client(ClientGroup client) implements GreylistKey {
        /** Checks that the client is not null. */
        public Client {
            requireNonNull(client, "client");
        }
    }
}
