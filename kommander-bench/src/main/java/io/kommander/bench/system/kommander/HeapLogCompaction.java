package io.kommander.bench.system.kommander;

import io.kommander.IRaft;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Checkpoints every partition a node leads every {@value #INTERVAL_MILLIS} ms, so that its in-memory WAL can
 * compact. The bench's application never checkpoints, so without this a node keeps every entry of the run on its
 * heap (millions at saturation) and the collector's work shows in the heap-log diagnostics' figures as if it were
 * the write path's. RocksDB keeps its log off the heap, so the default wiring does not need it. The node's
 * {@code compactionIntervalMillis} is set to the same interval (see {@code KommanderNode}), so what the checkpoints
 * allow is dropped within two intervals; at one second the entries lived long enough to be promoted, and the
 * collector still paid for them (docs/benchmarks.md, seventh pass).
 */
final class HeapLogCompaction implements AutoCloseable {

    /** How often each led partition is checkpointed, and how often a node on the in-memory WAL compacts. */
    static final long INTERVAL_MILLIS = 200;

    private final ScheduledExecutorService timer;

    /**
     * Starts checkpointing.
     *
     * @param raft       the node
     * @param partitions the user partitions, numbered from 1
     * @param name       the timer thread's name
     */
    HeapLogCompaction(IRaft raft, int partitions, String name) {
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> checkpointLed(raft, partitions), INTERVAL_MILLIS, INTERVAL_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** A checkpoint the leader refuses (a proposal open, leadership moving) simply waits for the next round. */
    private static void checkpointLed(IRaft raft, int partitions) {
        for (int partition = 1; partition <= partitions; partition++) {
            if (raft.amILeaderQuick(partition)) {
                raft.replicateCheckpoint(partition);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
