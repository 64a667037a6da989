package io.kommander.bench.node;

import java.util.BitSet;

/**
 * What one node has done since it started, and which partitions it holds now: the counters the {@code capacity}
 * run reads at the start and the end of its window (their difference is the window's work), and the placement it
 * waits on. Partitions are 0-based user partitions, as everywhere in the harness. Immutable (the sets are copied).
 *
 * @param cpuNanos           CPU time of the node's process (all its threads, native ones included)
 * @param jitMillis          time the process's JIT compilers spent compiling (the JVM's total compilation time; -1
 *                           when the JVM does not measure it): part of {@code cpuNanos} that a warm process no
 *                           longer spends
 * @param gcMillis           time the process's garbage collectors spent collecting (their summed collection times)
 * @param syncedBytes        bytes of entries the node's WAL made durable ({@code kommander.wal.batch.size} total)
 * @param walWrites          {@code IWAL.write} calls, one sync each ({@code kommander.wal.sync} count)
 * @param messagesSent       Raft messages queued to peers ({@code kommander.messages{direction=sent}})
 * @param framesSent         frames written to peers, each a batch of messages to one peer
 *                           ({@code kommander.transport.frames{direction=sent}})
 * @param transportBytesSent bytes of frames written to peers ({@code kommander.transport.bytes{direction=sent}})
 * @param hosted             partitions this node holds a replica of
 * @param placed             partitions the partition map, as this node knows it, places on this node (a replica
 *                           moved away stays hosted until the node learns it was taken out of the configuration)
 * @param led                partitions this node leads
 * @param settled            partitions this node leads whose voters are exactly what the partition map places them
 *                           on, with no learners, and whose preferred leader is this node
 * @param leadsSystem        whether this node leads partition 0 (the control plane); false when it cannot tell
 */
public record NodeStats(long cpuNanos, long jitMillis, long gcMillis, long syncedBytes, long walWrites, long messagesSent, long framesSent,
                        long transportBytesSent, BitSet hosted, BitSet placed, BitSet led, BitSet settled,
                        boolean leadsSystem) {

    /** Copies the sets. */
    public NodeStats {
        hosted = (BitSet) hosted.clone();
        placed = (BitSet) placed.clone();
        led = (BitSet) led.clone();
        settled = (BitSet) settled.clone();
    }

    /** A copy of the hosted partitions. */
    @Override
    public BitSet hosted() {
        return (BitSet) hosted.clone();
    }

    /** A copy of the placed partitions. */
    @Override
    public BitSet placed() {
        return (BitSet) placed.clone();
    }

    /** A copy of the led partitions. */
    @Override
    public BitSet led() {
        return (BitSet) led.clone();
    }

    /** A copy of the settled partitions. */
    @Override
    public BitSet settled() {
        return (BitSet) settled.clone();
    }
}
