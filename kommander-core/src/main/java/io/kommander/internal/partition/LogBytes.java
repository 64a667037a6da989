package io.kommander.internal.partition;

import java.util.Arrays;

/**
 * About how many bytes a log holds between two indices, for a retention counted in bytes: the running total of the
 * entries' size estimates, marked every {@link #STEP} entries, so that a log of millions of entries costs a few bytes
 * per {@code STEP} entries rather than a number per entry. Answers are in steps of {@code STEP} entries and never
 * count more bytes than the log holds (after a truncation, the total restarts from the last mark kept), so a
 * retention read from it keeps at least what it promises.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class LogBytes {

    /** Entries between two marks. */
    static final int STEP = 64;

    /** marks[i]: (index, bytes of every entry up to and including it); ascending. */
    private static final long[] NONE = new long[0];

    /** Empty until the first mark: a log of fewer than {@link #STEP} entries (every idle one) needs none. */
    private long[] indices = NONE;
    private long[] totals = NONE;
    private int first;
    private int size;
    private long total;

    /** Counts the entry at {@code index}, of {@code bytes}, appended after every counted entry. */
    void append(long index, long bytes) {
        total += bytes;
        if (index % STEP == 0) {
            mark(index);
        }
    }

    /** Forgets everything counted (a log reset to a snapshot or a compaction point). */
    void clear() {
        first = 0;
        size = 0;
        total = 0;
    }

    /** Forgets the entries after {@code index}. */
    void truncateAfter(long index) {
        while (size > 0 && indices[first + size - 1] > index) {
            size--;
        }
        total = size == 0 ? 0 : totals[first + size - 1];
    }

    /** Forgets the marks at or below {@code index} (compacted). */
    void dropThrough(long index) {
        while (size > 0 && indices[first] <= index) {
            first++;
            size--;
        }
    }

    /**
     * The highest marked index at or below {@code upTo} that has at least {@code bytes} bytes of entries after it up to
     * {@code upTo}'s last mark; 0 if none: compaction up to it keeps at least {@code bytes} bytes behind {@code upTo}.
     */
    long keepingBytesBefore(long upTo, long bytes) {
        int last = highest(indices, upTo);
        if (last < 0) {
            return 0;
        }
        // Totals ascend with indices: the answer is the highest mark whose total is low enough.
        int found = highest(totals, totals[last] - bytes);
        return found < 0 ? 0 : indices[Math.min(found, last)];
    }

    /** The position of the highest of the marks' {@code values} at or below {@code limit}, or -1. */
    private int highest(long[] values, long limit) {
        int lo = first;
        int hi = first + size - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (values[mid] <= limit) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    private void mark(long index) {
        if (first + size == indices.length) {
            if (first > 0) {
                System.arraycopy(indices, first, indices, 0, size);
                System.arraycopy(totals, first, totals, 0, size);
                first = 0;
            }
            if (size == indices.length) {
                indices = Arrays.copyOf(indices, Math.max(4, size * 2));
                totals = Arrays.copyOf(totals, Math.max(4, size * 2));
            }
        }
        indices[first + size] = index;
        totals[first + size] = total;
        size++;
    }
}
