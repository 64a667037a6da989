package io.kommander.internal.partition;

import java.util.Arrays;

/**
 * The term of every index of a log, kept as runs: (first index of the run, term). A log of millions of entries
 * written in a handful of terms costs a handful of runs, so the state machine answers "term at index i" for any
 * retained entry without reading the WAL.
 */
final class TermRuns {

    /** Two runs to start with: a replica's log usually holds the run of its first leader's term and the current one. */
    private long[] starts = new long[2];
    private long[] terms = new long[2];
    private int size;

    /** Records that {@code index} has {@code term}; indices must be appended in ascending order. */
    void append(long index, long term) {
        if (size > 0 && terms[size - 1] == term) {
            return;
        }
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            terms = Arrays.copyOf(terms, size * 2);
        }
        starts[size] = index;
        terms[size] = term;
        size++;
    }

    /** The term at {@code index}, assuming {@code index} is within the log; -1 if before every run. */
    long termAt(long index) {
        int lo = 0;
        int hi = size - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] <= index) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? -1 : terms[found];
    }

    /** The first index of the run that contains {@code index} (for fast conflict back-off). */
    long runStart(long index) {
        for (int i = size - 1; i >= 0; i--) {
            if (starts[i] <= index) {
                return starts[i];
            }
        }
        return index;
    }

    /** Forgets every index greater than {@code index}. */
    void truncateAfter(long index) {
        while (size > 0 && starts[size - 1] > index) {
            size--;
        }
    }

    /** Forgets runs that end at or before {@code index} (compaction); keeps the run containing index+1. */
    void dropThrough(long index) {
        int keepFrom = 0;
        while (keepFrom + 1 < size && starts[keepFrom + 1] <= index + 1) {
            keepFrom++;
        }
        if (keepFrom > 0) {
            System.arraycopy(starts, keepFrom, starts, 0, size - keepFrom);
            System.arraycopy(terms, keepFrom, terms, 0, size - keepFrom);
            size -= keepFrom;
        }
    }
}
