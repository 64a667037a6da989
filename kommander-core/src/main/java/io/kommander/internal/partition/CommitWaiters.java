package io.kommander.internal.partition;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The writes waiting on a leader for their last index to apply, in index order (writes waiting on one index in the
 * order they came), in a ring buffer. A leader tracks its writes in the order it appends them, so nearly every write
 * joins at the tail and leaves from the head: no tree node, list or boxed index per write, which a map keyed by index
 * cost at saturation. A write waiting on an earlier index (a settlement asked for again) is inserted in its place.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class CommitWaiters {

    private static final ProposalTracker.Pending[] NONE = new ProposalTracker.Pending[0];

    /**
     * Shared by every tracker until its first write (most replicas of a node with thousands of partitions never lead
     * one): only {@link #add} changes a table, and it is never called on this one.
     */
    static final CommitWaiters EMPTY = new CommitWaiters();

    private ProposalTracker.Pending[] ring = NONE;
    private int head;
    private int size;

    /** Adds {@code write} after every write waiting on an index at or below its own. */
    void add(ProposalTracker.Pending write) {
        if (size == ring.length) {
            grow();
        }
        int at = size;
        while (at > 0 && get(at - 1).lastIndex() > write.lastIndex()) {
            at--;
        }
        for (int i = size; i > at; i--) {
            ring[slot(i)] = ring[slot(i - 1)];
        }
        ring[slot(at)] = write;
        size++;
    }

    /** Whether a write waits on exactly {@code index}. */
    boolean waitsOn(long index) {
        int low = 0;
        int high = size - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            long at = get(mid).lastIndex();
            if (at < index) {
                low = mid + 1;
            } else if (at > index) {
                high = mid - 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** Removes and returns, in order, the writes waiting on an index at or below {@code index}. */
    List<ProposalTracker.Pending> takeThrough(long index) {
        int count = 0;
        while (count < size && get(count).lastIndex() <= index) {
            count++;
        }
        if (count == 0) {
            return List.of();
        }
        List<ProposalTracker.Pending> taken = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            taken.add(get(0));
            ring[head] = null;
            head = slot(1);
            size--;
        }
        return taken;
    }

    /** Removes and returns, in order, the writes whose deadline is at or before {@code now}. */
    List<ProposalTracker.Pending> takeExpired(long now) {
        if (size == 0) {
            return List.of();
        }
        List<ProposalTracker.Pending> expired = new ArrayList<>();
        int kept = 0;
        for (int i = 0; i < size; i++) {
            ProposalTracker.Pending write = get(i);
            if (write.deadline() <= now) {
                expired.add(write);
            } else {
                ring[slot(kept++)] = write;
            }
        }
        for (int i = kept; i < size; i++) {
            ring[slot(i)] = null;
        }
        size = kept;
        return expired;
    }

    /** Removes and returns every write, in order, and gives the ring's memory back (leadership is lost). */
    List<ProposalTracker.Pending> takeAll() {
        if (size == 0) {
            return List.of();
        }
        List<ProposalTracker.Pending> all = takeThrough(Long.MAX_VALUE);
        ring = NONE;
        head = 0;
        return all;
    }

    boolean isEmpty() {
        return size == 0;
    }

    private ProposalTracker.Pending get(int i) {
        return ring[slot(i)];
    }

    private int slot(int i) {
        int slot = head + i;
        return slot < ring.length ? slot : slot - ring.length;
    }

    private void grow() {
        ProposalTracker.Pending[] bigger = new ProposalTracker.Pending[Math.max(16, ring.length * 2)];
        for (int i = 0; i < size; i++) {
            bigger[i] = get(i);
        }
        Arrays.fill(ring, null);
        ring = bigger;
        head = 0;
    }
}
