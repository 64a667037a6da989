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
            List<String> keys = KeyedWriter.keysAcross(before.partition(SURVIVOR).orElseThrow().range(),
                    before.partition(ADJACENT).orElseThrow().range(), 16);
            KeyedWriter.Outcome<PartitionChangeResult> outcome = KeyedWriter.around(cluster, keys, "merge-writer",
                    () -> cluster.node(1).mergePartitions(SURVIVOR, ADJACENT));
            Set<String> acknowledged = outcome.acknowledged();

            assertThat(outcome.result().status()).isEqualTo(RaftOperationStatus.Success);
            assertThat(outcome.takers()).as("writes taken by both partitions before the merge").contains(SURVIVOR, ADJACENT);
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
