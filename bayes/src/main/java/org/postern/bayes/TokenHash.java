package org.postern.bayes;

/**
 * The 64-bit hash that stands for a token in {@link MessageTokens} and in the stores.
 *
 * <p>A token is a string such as {@code w:cheap} or {@code b:cheap|pills}; its hash is a function of that string only,
 * so {@link MessageTokens#ofStrings} and the tokenizer agree without the tokenizer building the string. The hash reads
 * the string's UTF-16 chars one at a time into a 64-bit state ({@link #absorb}), and {@link #finish} mixes the state
 * with MurmurHash3's 64-bit finalizer (fmix64), so the tokenizer can absorb a prefix once and continue from it for
 * every word. At 64 bits, two of the ten million tokens a large store holds collide with probability about 3·10⁻⁶
 * (birthday bound n²/2⁶⁵), and a collision only merges two tokens' counts.
 *
 * <p>The function is part of the store format: changing it orphans every learned token.
 */
final class TokenHash {

    /** The state before any char: an arbitrary odd constant, so the empty string does not hash to 0. */
    static final long INITIAL = 0x243F6A8885A308D3L;
    private static final long MULTIPLIER = 0x9E3779B97F4A7C15L;     // 2^64 / golden ratio, odd

    private TokenHash() {
    }

    /** The state after {@code c}: multiply-rotate, so order and every bit of each char matter. */
    static long absorb(long state, char c) {
        return Long.rotateLeft((state ^ c) * MULTIPLIER, 27);
    }

    static long absorb(long state, CharSequence s) {
        long h = state;
        for (int i = 0; i < s.length(); i++) {
            h = absorb(h, s.charAt(i));
        }
        return h;
    }

    static long absorb(long state, char[] chars, int offset, int length) {
        long h = state;
        for (int i = offset; i < offset + length; i++) {
            h = absorb(h, chars[i]);
        }
        return h;
    }

    /** MurmurHash3 fmix64 of the state, so every input bit affects every output bit. */
    static long finish(long state) {
        long h = state;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }

    /** The hash of a whole token string. */
    static long of(CharSequence token) {
        return finish(absorb(INITIAL, token));
    }
}
