/**
 * Greylisting: {@link org.postern.greylist.Greylister} decides, at RCPT, whether a (client, sender, recipient)
 * triplet has to be deferred once before it is accepted, and remembers what it decided in a
 * {@link org.postern.greylist.GreylistStore}: {@link org.postern.greylist.LmdbGreylistStore} on local disk (the
 * default, DESIGN.md "State") or {@link org.postern.greylist.InMemoryGreylistStore} for tests.
 *
 * <p>The public surface is the entry type, the records it takes and returns ({@link
 * org.postern.greylist.GreylistRequest}, {@link org.postern.greylist.GreylistPolicy}, {@link
 * org.postern.greylist.GreylistDecision}), and the store SPI with its typed keys and entries ({@link
 * org.postern.greylist.GreylistKey}, {@link org.postern.greylist.GreylistEntry}, {@link
 * org.postern.greylist.ClientGroup}). Sender normalization, reverse-name grouping and the binary encodings are
 * package-private machinery.
 */
package org.postern.greylist;
