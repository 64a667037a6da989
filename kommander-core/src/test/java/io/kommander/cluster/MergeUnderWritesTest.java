package io.kommander.cluster;

import io.kommander.PartitionChangeResult;
import io.kommander.PartitionMap;
import io.kommander.PartitionRange;
import io.kommander.PartitionState;
import io.kommander.RaftManager;
import io.kommander.RaftOperationStatus;
import io.kommander.testing.PayloadStateMachine;
import io.kommander.testing.TestCluster;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A merge on real threads (in-memory WAL and transport) while a writer thread keeps writing keyed payloads of both
 * partitions, routed by its node's map with the generation it saw: every acknowledged write ends up exactly once on
 * every node, in the survivor.
 */
class MergeUnderWritesTest {

    private static final int SURVIVOR = 1;
    private static final int ADJACENT = 2;

    @Test
    void mergeUnderWritesKeepsEveryAcknowledgedWriteOnceInTheSurvivor() throws Exception {
        PayloadStateMachine[] applications = new PayloadStateMachine[3];
        try (TestCluster cluster = TestCluster.builder(3, 2)
                .snapshots(i -> applications[i] = new PayloadStateMachine()).build().start()) {
            PartitionMap before = cluster.node(0).getPartitionMap();
            List<String> lower = KeyedWriter.keysIn(before.partition(SURVIVOR).orElseThrow().range(), 16);
            List<String> upper = KeyedWriter.keysIn(before.partition(ADJACENT).orElseThrow().range(), 16);
            List<String> keys = IntStream.range(0, 16).boxed().flatMap(i -> Stream.of(lower.get(i), upper.get(i)))
                    .toList();
            PartitionChangeResult merge;
            Set<String> acknowledged;
            Set<Integer> takers;
            try (KeyedWriter writer = new KeyedWriter(cluster, keys, "merge-writer")) {
                acknowledged = writer.acknowledged();
                takers = writer.takers();
                writer.awaitMore(50);
                merge = cluster.node(1).mergePartitions(SURVIVOR, ADJACENT)
                        .get(TestCluster.WAIT.toMillis(), TimeUnit.MILLISECONDS);
                writer.awaitMore(50);
            }

            assertThat(merge.status()).isEqualTo(RaftOperationStatus.Success);
            assertThat(takers).as("writes taken by both partitions before the merge").contains(SURVIVOR, ADJACENT);
            for (int n = 0; n < 3; n++) {
                PayloadStateMachine application = applications[n];
                RaftManager node = cluster.node(n);
                await().atMost(TestCluster.WAIT).until(() -> node.getPartitionMap().partition(ADJACENT)
                        .map(p -> p.state() == PartitionState.REMOVED).orElse(false)
                        && application.state(SURVIVOR).containsAll(acknowledged));
                assertThat(application.state(SURVIVOR)).as("node %d", n).doesNotHaveDuplicates();
                assertThat(node.getPartitionMap().partition(SURVIVOR).orElseThrow().range()).isEqualTo(
                        new PartitionRange(before.partition(SURVIVOR).orElseThrow().range().first(),
                                before.partition(ADJACENT).orElseThrow().range().last()));
            }
        }
    }
}
