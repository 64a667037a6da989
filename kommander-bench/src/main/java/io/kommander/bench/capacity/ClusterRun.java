package io.kommander.bench.capacity;

import java.util.List;

/**
 * One cluster size's run: the workload's outcome over the measured window and each node's {@link NodeWindow}.
 *
 * @param nodes           nodes in the cluster, one JVM each
 * @param partitions      user partitions
 * @param acknowledged    writes acknowledged in the window
 * @param seconds         the window's length
 * @param errors          writes that failed in the window
 * @param retried         write attempts the harness made again after a refusal (a node not leading or not hosting
 *                        the partition), over the whole run: what routing cost
 * @param p99Millis       the window's p99 latency
 * @param verified        every acknowledged write was delivered, in the same order, by every replica the map places
 *                        its partition on
 * @param placementStable no node's placed partitions changed over the window
 * @param settleMillis    from every partition having a leader until the placement had settled
 * @param loadAverage     the machine's one-minute load average at the window's end
 * @param windows         per node, what it did in the window
 */
public record ClusterRun(int nodes, int partitions, long acknowledged, double seconds, long errors, long retried,
                         double p99Millis,
                         boolean verified, boolean placementStable, long settleMillis, double loadAverage,
                         List<NodeWindow> windows) {

    /** Copies the windows. */
    public ClusterRun {
        windows = List.copyOf(windows);
    }

    /** Acknowledged writes per second over the window. */
    public double throughput() {
        return seconds <= 0 ? 0 : acknowledged / seconds;
    }

    /** Node {@code window}'s share of {@code measure}. */
    public double share(Measure measure, NodeWindow window) {
        return measure.share(window, acknowledged);
    }

    /** The mean over the nodes of their shares of {@code measure}. */
    public double meanShare(Measure measure) {
        return windows.stream().mapToDouble(w -> share(measure, w)).average().orElse(0);
    }

    /** The largest node's share of {@code measure}. */
    public double maxShare(Measure measure) {
        return windows.stream().mapToDouble(w -> share(measure, w)).max().orElse(0);
    }
}
