package io.kommander.internal.partition;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * A node's partitions as time sees them: the awake ones, which {@link RaftTimerService} ticks, and the quiesced
 * ones, of which the followers are grouped by their leader's endpoint so that node-level liveness wakes exactly those
 * whose leader's node fell silent. A quiesced partition is in no set the timer reads: it costs nothing per tick.
 *
 * <p>Thread-safe: each partition reports its own state from its executor after a batch of work; the timer, the
 * node's liveness and metrics read from any thread.
 */
public final class QuiescedPartitions {

    // Keyed by partition id, never by identity: the order of ticks and wake-ups must be the same in every run (the
    // simulator replays seeds bit for bit).
    private final Map<Integer, RaftPartition> awake = new ConcurrentHashMap<>();
    private final Map<Integer, RaftPartition> quiesced = new ConcurrentHashMap<>();
    /** Guarded by itself: a partition moves between leaders' sets and liveness takes whole sets. */
    private final Map<String, Map<Integer, RaftPartition>> sleepersByLeader = new TreeMap<>();
    private final LongAdder quiesces = new LongAdder();
    private final LongAdder wakes = new LongAdder();
    private volatile Predicate<String> nodeAlive = endpoint -> false;
    /** {@link #alive}, one instance for every partition's state machine. */
    private final Predicate<String> liveness = this::alive;

    /** The partitions to tick: those not quiesced. */
    public Collection<RaftPartition> awake() {
        return awake.values();
    }

    /** How many partitions of this node are quiesced now (a cheap read, for a metrics gauge). */
    public int quiescedCount() {
        return quiesced.size();
    }

    /** Whether this node's replica of {@code partition} is quiesced. */
    public boolean isQuiesced(int partition) {
        return quiesced.containsKey(partition);
    }

    /** How many times a partition of this node quiesced so far. */
    public long quiesceEvents() {
        return quiesces.sum();
    }

    /** How many times a quiesced partition of this node woke so far. */
    public long wakeEvents() {
        return wakes.sum();
    }

    /** The endpoints that quiesced followers of this node sleep under: the nodes liveness must watch. */
    public List<String> sleepingUnder() {
        synchronized (sleepersByLeader) {
            return List.copyOf(sleepersByLeader.keySet());
        }
    }

    /** Installs node-level liveness: whether a node was heard from within an election timeout. */
    public void nodeLiveness(Predicate<String> alive) {
        this.nodeAlive = alive;
    }

    /** {@link #alive} as a predicate, the same instance every time. */
    public Predicate<String> liveness() {
        return liveness;
    }

    /** Whether {@code endpoint}'s node was heard from within an election timeout (false until liveness is set). */
    public boolean alive(String endpoint) {
        return nodeAlive.test(endpoint);
    }

    /**
     * {@code endpoint}'s node is suspected dead: every quiesced follower sleeping under it is told, on its executor,
     * and wakes. It is forgotten here at once; it reports itself awake when it is.
     */
    public void leaderNodeDown(String endpoint) {
        Map<Integer, RaftPartition> sleepers;
        synchronized (sleepersByLeader) {
            sleepers = sleepersByLeader.remove(endpoint);
        }
        if (sleepers != null) {
            sleepers.values().forEach(partition -> partition.leaderNodeDown(endpoint));
        }
    }

    /**
     * {@code endpoint}'s node restarted: every quiesced partition is told, on its executor. Followers sleeping under
     * it wake and elect; leaders with a replica there wake and heartbeat it (it may have lost what it held).
     */
    public void peerRestarted(String endpoint) {
        synchronized (sleepersByLeader) {
            sleepersByLeader.remove(endpoint);
        }
        quiesced.values().forEach(partition -> partition.peerRestarted(endpoint));
    }

    /** A partition starts: it is awake until it quiesces. */
    void started(RaftPartition partition) {
        awake.put(partition.key(), partition);
    }

    /**
     * A partition's state changed: {@code nowQuiesced}, sleeping under {@code nowLeader} (null for a leader or when
     * awake), where before it slept under {@code wasLeader} (or null).
     */
    void changed(RaftPartition partition, boolean nowQuiesced, String wasLeader, String nowLeader) {
        synchronized (sleepersByLeader) {
            if (wasLeader != null) {
                Map<Integer, RaftPartition> set = sleepersByLeader.get(wasLeader);
                if (set != null && set.remove(partition.id()) != null && set.isEmpty()) {
                    sleepersByLeader.remove(wasLeader);
                }
            }
            if (nowLeader != null) {
                sleepersByLeader.computeIfAbsent(nowLeader, leader -> new TreeMap<>()).put(partition.key(), partition);
            }
        }
        if (nowQuiesced) {
            if (quiesced.put(partition.key(), partition) == null) {
                quiesces.increment();
            }
            awake.remove(partition.id());
        } else {
            awake.put(partition.key(), partition);
            if (quiesced.remove(partition.id()) != null) {
                wakes.increment();
            }
        }
    }

    /** A partition closed: it is forgotten. */
    void closed(RaftPartition partition) {
        awake.remove(partition.id(), partition);
        quiesced.remove(partition.id(), partition);
        synchronized (sleepersByLeader) {
            sleepersByLeader.values().removeIf(set -> set.remove(partition.id(), partition) && set.isEmpty());
        }
    }
}
