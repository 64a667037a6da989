package io.kommander.internal.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Per-key FIFO queues served round-robin, with at most one batch in flight per key: the fairness core of the WAL
 * schedulers. A hot key cannot starve the others, and one key's items are always handled in submission order.
 *
 * <p>Thread-safe (one lock; every operation is short).
 *
 * @param <T> the item type
 */
public final class FairQueue<T> {

    /** The items of one key taken for processing together. */
    public record Batch<T>(int key, List<T> items) {
    }

    /** Empty queues kept for reuse, at most this many: with one item in flight per key, most adds find none. */
    private static final int SPARE_QUEUES = 64;

    private final Map<Integer, ArrayDeque<T>> queues = new HashMap<>();
    private final ArrayDeque<ArrayDeque<T>> spareQueues = new ArrayDeque<>();
    private final ArrayDeque<Integer> ready = new ArrayDeque<>();
    private final Set<Integer> busy = new HashSet<>();
    /** Items queued and not yet taken, over all keys: read by a gauge, so kept rather than counted on demand. */
    private int size;

    /** Adds an item to its key's queue. */
    public synchronized void add(int key, T item) {
        ArrayDeque<T> queue = queues.get(key);
        if (queue == null) {
            queue = spareQueues.isEmpty() ? new ArrayDeque<>() : spareQueues.pop();
            queues.put(key, queue);
        }
        queue.add(item);
        size++;
        if (queue.size() == 1 && !busy.contains(key)) {
            ready.add(key);
        }
    }

    /**
     * Takes, round-robin, the queued items of up to {@code maxKeys} keys that have nothing in flight, and marks
     * those keys busy until {@link #complete(int)}.
     *
     * @param maxKeys   keys to take at most
     * @param maxPerKey items to take per key at most
     * @return the batches taken; empty if no key is ready
     */
    public List<Batch<T>> take(int maxKeys, int maxPerKey) {
        return take(maxKeys, maxPerKey, item -> false);
    }

    /**
     * As {@link #take(int, int)}, but a key's batch also ends after the first item that {@code endsBatch} accepts,
     * so such an item is always the last of its batch and the key's later items wait for the next one.
     *
     * @param maxKeys   keys to take at most
     * @param maxPerKey items to take per key at most
     * @param endsBatch which items close their key's batch
     * @return the batches taken; empty if no key is ready
     */
    public synchronized List<Batch<T>> take(int maxKeys, int maxPerKey, Predicate<? super T> endsBatch) {
        List<Batch<T>> taken = new ArrayList<>();
        while (taken.size() < maxKeys && !ready.isEmpty()) {
            int key = ready.poll();
            ArrayDeque<T> queue = queues.get(key);
            List<T> items = new ArrayList<>(Math.min(queue.size(), maxPerKey));
            while (!queue.isEmpty() && items.size() < maxPerKey) {
                T item = queue.poll();
                size--;
                items.add(item);
                if (endsBatch.test(item)) {
                    break;
                }
            }
            if (queue.isEmpty()) {
                queues.remove(key);
                if (spareQueues.size() < SPARE_QUEUES) {
                    spareQueues.push(queue);
                }
            }
            busy.add(key);
            taken.add(new Batch<>(key, items));
        }
        return taken;
    }

    /** Ends a key's in-flight batch; its next items become ready. */
    public synchronized void complete(int key) {
        busy.remove(key);
        ArrayDeque<T> queue = queues.get(key);
        if (queue != null && !queue.isEmpty()) {
            ready.add(key);
        }
    }

    /** Removes and returns every queued (not in-flight) item of a key. */
    public synchronized List<T> drain(int key) {
        ArrayDeque<T> queue = queues.remove(key);
        ready.remove(key);
        size -= queue == null ? 0 : queue.size();
        return queue == null ? List.of() : new ArrayList<>(queue);
    }

    /** Items queued and not yet taken, over all keys. */
    public synchronized int size() {
        return size;
    }

    /** Whether some key has items and nothing in flight. */
    public synchronized boolean hasReady() {
        return !ready.isEmpty();
    }
}
