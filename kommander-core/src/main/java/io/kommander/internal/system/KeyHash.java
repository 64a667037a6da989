package io.kommander.internal.system;

import java.nio.charset.StandardCharsets;

/**
 * The stable 64-bit hash that routes keys to partitions: FNV-1a 64 over the key's UTF-8 bytes (offset basis
 * 0xcbf29ce484222325, prime 0x100000001b3). Stable across versions, JVMs and platforms: changing it would move
 * every key.
 */
public final class KeyHash {

    private static final long OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private KeyHash() {
    }

    /** The hash of a key, as an unsigned 64-bit value held in a long. */
    public static long of(String key) {
        long hash = OFFSET_BASIS;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= PRIME;
        }
        return hash;
    }
}
