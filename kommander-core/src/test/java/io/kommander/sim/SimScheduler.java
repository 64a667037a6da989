package io.kommander.sim;

import io.kommander.runtime.IRaftRuntime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * The simulator's one event queue with virtual time. Every executor task, timer, WAL completion, message delivery,
 * client step and fault is an event ordered by (time, sequence); events run one at a time on the caller's thread,
 * so a run is a pure function of its seed.
 *
 * <p>Each event may belong to a node: a paused node's events are held (and its clock stops, see
 * {@link #stoppedMillis(int)}), a crashed node's events are dropped. Not thread-safe: one run, one thread.
 */
final class SimScheduler {

    /** The owner of events that belong to no node: clients, faults, checks. */
    static final int NO_NODE = -1;

    private static final class Event implements Comparable<Event>, IRaftRuntime.Cancellable {
        final long time;
        final long seq;
        final int node;
        final Runnable task;
        boolean cancelled;

        Event(long time, long seq, int node, Runnable task) {
            this.time = time;
            this.seq = seq;
            this.node = node;
            this.task = task;
        }

        @Override
        public int compareTo(Event other) {
            return time != other.time ? Long.compare(time, other.time) : Long.compare(seq, other.seq);
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private final Map<Integer, List<Event>> held = new HashMap<>();
    private final Map<Integer, Long> pausedAt = new HashMap<>();
    private final Map<Integer, Long> stoppedTotal = new HashMap<>();
    private final SplittableRandom random;
    private long now;
    private long seq;
    private long executed;
    /** An invariant checked after every event; none by default. */
    private Runnable afterEach = () -> {
    };

    /** @param random the run's source of scheduling chance (latencies), drawn in event order */
    SimScheduler(SplittableRandom random) {
        this.random = random;
    }

    /** The virtual time in milliseconds since the run started. */
    long now() {
        return now;
    }

    /** Events run so far. */
    long executed() {
        return executed;
    }

    /** The run's random source; draw only from inside events (or before the run) to stay reproducible. */
    SplittableRandom random() {
        return random;
    }

    /** Queues {@code task} for {@code node} after {@code delayMillis}. */
    IRaftRuntime.Cancellable schedule(int node, long delayMillis, Runnable task) {
        Event event = new Event(now + Math.max(0, delayMillis), seq++, node, task);
        List<Event> parked = held.get(node);
        if (parked != null) {
            parked.add(event);
        } else {
            queue.add(event);
        }
        return event;
    }

    /** An executor whose tasks become events of {@code node}, each after a latency drawn from the run's random. */
    Executor executor(int node, int minLatency, int maxLatency) {
        return task -> schedule(node, minLatency + random.nextInt(maxLatency - minLatency + 1), task);
    }

    /** Holds the node's events until {@link #resume}; its clock stops. */
    void pause(int node) {
        if (held.containsKey(node)) {
            return;
        }
        List<Event> parked = new ArrayList<>();
        queue.removeIf(e -> {
            if (e.node == node) {
                parked.add(e);
                return true;
            }
            return false;
        });
        parked.sort(null);
        held.put(node, parked);
        pausedAt.put(node, now);
    }

    /** Releases a paused node's events, in their original order, from now on. */
    void resume(int node) {
        List<Event> parked = held.remove(node);
        if (parked == null) {
            return;
        }
        stoppedTotal.merge(node, now - pausedAt.remove(node), Long::sum);
        for (Event e : parked) {
            if (!e.cancelled) {
                queue.add(new Event(Math.max(e.time, now), seq++, node, e.task));
            }
        }
    }

    /** Whether the node is paused. */
    boolean isPaused(int node) {
        return held.containsKey(node);
    }

    /** Virtual milliseconds the node's clock has stood still (pauses so far, the current one included). */
    long stoppedMillis(int node) {
        long total = stoppedTotal.getOrDefault(node, 0L);
        Long since = pausedAt.get(node);
        return since == null ? total : total + now - since;
    }

    /** Drops every pending event of the node (a crash); a paused node is released first. */
    void drop(int node) {
        if (held.containsKey(node)) {
            stoppedTotal.merge(node, now - pausedAt.remove(node), Long::sum);
            held.remove(node);
        }
        queue.removeIf(e -> e.node == node);
    }

    /** Runs events until virtual time {@code until} (events at exactly that time included). */
    void runUntil(long until) {
        while (!queue.isEmpty() && queue.peek().time <= until) {
            runNext();
        }
        now = Math.max(now, until);
    }

    /**
     * Runs events until {@code done} holds (checked after each event) or virtual time passes {@code deadline}.
     *
     * @return whether {@code done} held
     */
    boolean runUntil(BooleanSupplier done, long deadline) {
        while (!done.getAsBoolean()) {
            if (queue.isEmpty() || queue.peek().time > deadline) {
                now = Math.max(now, deadline);
                return done.getAsBoolean();
            }
            runNext();
        }
        return true;
    }

    private void runNext() {
        Event event = queue.poll();
        now = event.time;
        if (!event.cancelled) {
            executed++;
            event.task.run();
            afterEach.run();
        }
    }

    /** Runs {@code check} after every event from now on (an invariant that looks at the whole cluster). */
    void afterEachEvent(Runnable check) {
        afterEach = check;
    }
}
