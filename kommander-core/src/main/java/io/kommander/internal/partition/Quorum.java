package io.kommander.internal.partition;

import java.util.Arrays;

/** Majority arithmetic. */
final class Quorum {

    private Quorum() {
    }

    /** The number of votes that make a majority of {@code members}. */
    static int majority(int members) {
        return members / 2 + 1;
    }

    /** The highest index that a majority of the given match indices has reached. */
    static long committedIndex(long[] matchIndices) {
        long[] sorted = matchIndices.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length - majority(sorted.length)];
    }
}
