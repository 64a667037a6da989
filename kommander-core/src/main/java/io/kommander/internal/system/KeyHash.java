package io.kommander.internal.system;

import io.kommander.PartitionMap;

/**
 * The stable 64-bit hash that routes keys to partitions; its one definition is {@link PartitionMap#hash(String)},
 * public so that applications can route as the library does.
 */
public final class KeyHash {

    private KeyHash() {
    }

    /** The hash of a key, as an unsigned 64-bit value held in a long. */
    public static long of(String key) {
        return PartitionMap.hash(key);
    }
}
