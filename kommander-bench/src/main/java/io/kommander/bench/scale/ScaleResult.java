package io.kommander.bench.scale;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What one {@code scale} run measured, for one partition count.
 *
 * @param partitions          user partitions per node (every node holds a replica of each)
 * @param nodes               nodes, all in this JVM
 * @param quiesceAfter        {@code quiesceAfterHeartbeats} (0: quiescence off)
 * @param electedMillis       from starting the nodes until every partition had a leader
 * @param coldStart           what the nodes counted from their start until then
 * @param idleWindowMillis    length of the idle CPU window
 * @param idleCoresPerNode    CPU of each node's threads over the idle window, in cores (1.0 = one core busy)
 * @param idleCoresProcess    CPU of the whole process over the window, in cores (all nodes, the JVM, RocksDB)
 * @param heapBytesPerReplica heap after a full GC, less an empty baseline, per partition replica
 * @param quiescedReplicas    replicas quiesced at the end of the idle window, over every node
 * @param restartedLed        partitions the restarted node led before it stopped
 * @param restartElections    elections (rise of the partitions' terms on a surviving node) from the stop until
 *                            settled, split by whether the restarted node led the partition
 * @param leaderlessMillis    from the stop until every partition had a leader again
 * @param restartSettleMillis from the restart until the node had joined and every partition had a leader
 * @param loadAverage         the machine's one-minute load average when the idle window ended
 */
record ScaleResult(int partitions, int nodes, int quiesceAfter, long electedMillis, ScaleCounts coldStart,
                   long idleWindowMillis,
                   double[] idleCoresPerNode, double idleCoresProcess, double heapBytesPerReplica,
                   int quiescedReplicas, int restartedLed, RestartElections restartElections, long leaderlessMillis,
                   long restartSettleMillis, double loadAverage) {

    /** One JSON object. */
    String toJson() {
        return String.format(Locale.ROOT, "{\"partitions\": %d, \"nodes\": %d, \"quiesceAfterHeartbeats\": %d, "
                        + "\"allLeadersElectedMillis\": %d, \"coldStart\": {%s}, \"idleWindowMillis\": %d, "
                        + "\"idleCoresPerNode\": [%s], "
                        + "\"idleCoresProcess\": %.4f, \"heapBytesPerReplica\": %.0f, \"quiescedReplicas\": %d, "
                        + "\"restart\": {\"partitionsLedBefore\": %d, \"elections\": %d, %s, \"leaderlessMillis\": %d, "
                        + "\"settledMillis\": %d}, \"loadAverage\": %.2f}",
                partitions, nodes, quiesceAfter, electedMillis, coldStart.toJson(), idleWindowMillis,
                Arrays.stream(idleCoresPerNode).mapToObj(c -> String.format(Locale.ROOT, "%.4f", c))
                        .collect(Collectors.joining(", ")),
                idleCoresProcess, heapBytesPerReplica, quiescedReplicas, restartedLed, restartElections.total(),
                restartElections.toJson(), leaderlessMillis, restartSettleMillis, loadAverage);
    }
}
