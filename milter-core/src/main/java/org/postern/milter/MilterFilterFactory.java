package org.postern.milter;

/** Creates one {@link MilterFilter} per MTA connection and says what the filters want from negotiation. */
public interface MilterFilterFactory {

    /**
     * What to negotiate for a new connection: actions, protocol flags, macro lists. Called on the connection's event
     * loop when the MTA's OPTNEG arrives; must be fast and must not throw.
     */
    MilterOptions options();

    /** A filter for a new connection; called on its event loop before OPTNEG is answered. */
    MilterFilter newFilter(SessionInfo session);
}
