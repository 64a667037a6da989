package io.kommander.internal.partition;

import io.kommander.internal.metrics.NodeMetrics;

/** Reports to the node's meters what a {@link Ready} says happened; the host calls it once per Ready it carries out. */
final class ReadyMetrics {

    private ReadyMetrics() {
    }

    /** Elections, leaders, commits and snapshots sent, from {@code ready}; {@code leader} is the machine's now. */
    static void report(NodeMetrics metrics, Ready ready, String leader) {
        if (ready.leaderChanged && leader != null) {
            metrics.leaderChanged();
        }
        if (ready.electionsStarted > 0) {
            metrics.electionsStarted(ready.electionsStarted);
        }
        if (ready.electionWon) {
            metrics.electionWon();
        }
        if (ready.snapshotsSent > 0) {
            metrics.snapshotsSent(ready.snapshotsSent);
        }
        metrics.committed(ready.deliveries.size());
    }
}
