/**
 * Postern's typed configuration: {@code postern.yml} bound to immutable records and validated with line numbers.
 *
 * <p>{@link org.postern.config.ConfigLoader} is the entry point; {@link org.postern.config.PosternConfig} and the
 * records it holds are the result. No component of any record is ever null after construction: absent values are
 * {@link java.util.Optional#empty()} or {@link java.util.OptionalDouble#empty()}, lists and maps are empty and
 * unmodifiable. Times are {@link java.time.Duration}, networks {@link org.postern.config.Cidr}, replies
 * {@link org.postern.config.ReplyText}. Every rule broken in a compact constructor throws an
 * {@link java.lang.IllegalArgumentException} whose message names the YAML key; loading turns it into a
 * {@link org.postern.config.ConfigException} with file, line and column.
 *
 * <p>{@code conf/postern.yml} in the repository documents every key and holds exactly the defaults.
 */
package org.postern.config;
