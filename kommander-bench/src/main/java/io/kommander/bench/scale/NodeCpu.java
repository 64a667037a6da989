package io.kommander.bench.scale;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of one JVM's threads, attributed to the nodes it hosts by thread name: a node's runtime threads are named
 * {@code kommander-node-<id>-...} and its Netty threads {@code kommander-netty-<port>-...}. Threads of no node (the
 * JVM's, RocksDB's background threads are native and not seen at all) count in the process total only.
 *
 * <p>Not thread-safe.
 */
final class NodeCpu {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final String[][] prefixes;

    /** @param prefixes for node i, the thread name prefixes that are its */
    NodeCpu(String[][] prefixes) {
        this.prefixes = prefixes;
    }

    /** CPU nanoseconds so far: one per node, then the whole process's last. */
    long[] sample() {
        long[] cpu = new long[prefixes.length + 1];
        for (long id : threads.getAllThreadIds()) {
            ThreadInfo info = threads.getThreadInfo(id);
            long time = threads.getThreadCpuTime(id);
            if (info == null || time < 0) {
                continue;
            }
            int node = nodeOf(info.getThreadName());
            if (node >= 0) {
                cpu[node] += time;
            }
        }
        cpu[prefixes.length] = os.getProcessCpuTime();
        return cpu;
    }

    private int nodeOf(String name) {
        for (int i = 0; i < prefixes.length; i++) {
            for (String prefix : prefixes[i]) {
                if (name.startsWith(prefix)) {
                    return i;
                }
            }
        }
        return -1;
    }
}
