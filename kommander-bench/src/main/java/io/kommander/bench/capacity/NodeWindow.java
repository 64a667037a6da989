package io.kommander.bench.capacity;

import io.kommander.bench.node.NodeStats;

/**
 * What one node did over the measured window: the difference of its counters between the window's two ends, and
 * the partitions it led and hosted at the end.
 *
 * @param node               the node's index, 0-based
 * @param cpuNanos           CPU time of the node's process
 * @param jitMillis          time its JIT compilers spent compiling (0 when the JVM does not measure it)
 * @param gcMillis           time its garbage collectors spent collecting
 * @param syncedBytes        bytes of entries its WAL made durable
 * @param walWrites          its {@code IWAL.write} calls (one sync each)
 * @param messagesSent       Raft messages it sent
 * @param framesSent         frames it wrote to peers (each a batch of messages to one peer)
 * @param transportBytesSent bytes of frames it wrote to peers
 * @param partitionsLed      user partitions it led at the end
 * @param partitionsHosted   user partitions it hosted at the end
 * @param staleReplicas      of those, replicas the map no longer places on it (moved away, not closed yet)
 * @param leadsSystem        whether it led partition 0 at the end
 */
public record NodeWindow(int node, long cpuNanos, long jitMillis, long gcMillis, long syncedBytes, long walWrites,
                         long messagesSent,
                         long framesSent, long transportBytesSent, int partitionsLed, int partitionsHosted,
                         int staleReplicas, boolean leadsSystem) {

    /** Node {@code node}'s window from its stats at the start and at the end. */
    public static NodeWindow between(int node, NodeStats start, NodeStats end) {
        return new NodeWindow(node, end.cpuNanos() - start.cpuNanos(),
                Math.max(0, end.jitMillis() - start.jitMillis()), end.gcMillis() - start.gcMillis(),
                end.syncedBytes() - start.syncedBytes(),
                end.walWrites() - start.walWrites(), end.messagesSent() - start.messagesSent(),
                end.framesSent() - start.framesSent(), end.transportBytesSent() - start.transportBytesSent(),
                end.led().cardinality(),
                end.hosted().cardinality(), Placement.staleReplicas(end), end.leadsSystem());
    }
}
