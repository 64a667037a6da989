package io.kommander.cluster;

import io.kommander.PartitionChangeResult;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionRange;
import io.kommander.RaftManager;
import io.kommander.RaftOperationStatus;
import io.kommander.testing.PayloadStateMachine;
import io.kommander.testing.TestCluster;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A split on real threads (in-memory WAL and transport) while a writer thread keeps writing keyed payloads routed by
 * its node's map with the generation it saw: every acknowledged write ends up exactly once on every node, in the
 * partition that owns its key.
 */
class SplitUnderWritesTest {

    private static final int SOURCE = 1;

    @Test
    void splitUnderWritesKeepsEveryAcknowledgedWriteOnceOnItsSide() throws Exception {
        PayloadStateMachine[] applications = new PayloadStateMachine[3];
        try (TestCluster cluster = TestCluster.builder(3, 2)
                .snapshots(i -> applications[i] = new PayloadStateMachine()).build().start()) {
            PartitionDescriptor source = cluster.node(0).getPartitionMap().partition(SOURCE).orElseThrow();
            PartitionRange range = source.range();
            List<String> keys = KeyedWriter.keysIn(range, 32);
            // The median key's hash: half the keys move.
            long boundary = keys.stream().map(PartitionMap::hash).sorted(Long::compareUnsigned).toList().get(16);
            KeyedWriter.Outcome<PartitionChangeResult> outcome = KeyedWriter.around(cluster, keys, "split-writer",
                    () -> cluster.node(1).splitPartition(SOURCE, boundary));
            PartitionChangeResult split = outcome.result();
            Set<String> acknowledged = outcome.acknowledged();

            assertThat(split.status()).isEqualTo(RaftOperationStatus.Success);
            int target = split.partitionId();
            for (int n = 0; n < 3; n++) {
                PayloadStateMachine application = applications[n];
                RaftManager node = cluster.node(n);
                await().atMost(TestCluster.WAIT).until(() -> node.getPartitionMap().partition(target)
                        .map(p -> p.state() == io.kommander.PartitionState.ACTIVE).orElse(false)
                        && held(application, target).containsAll(acknowledged));
                PartitionMap map = node.getPartitionMap();
                List<String> all = held(application, target);
                assertThat(all).as("node %d", n).doesNotHaveDuplicates();
                for (int side : new int[] {SOURCE, target}) {
                    for (String payload : application.state(side)) {
                        String key = KeyedWriter.keyOf(payload);
                        assertThat(map.ownerOfKey(key).orElseThrow().id()).as("%s on node %d", payload, n)
                                .isEqualTo(side);
                    }
                }
            }
            assertThat(acknowledged.stream().map(p -> cluster.node(0).getPartitionMap()
                    .ownerOfKey(KeyedWriter.keyOf(p)).orElseThrow().id()).distinct())
                    .as("writes acknowledged on both sides").containsExactlyInAnyOrder(SOURCE, target);
        }
    }

    private static List<String> held(PayloadStateMachine application, int target) {
        List<String> all = new ArrayList<>(application.state(SOURCE));
        all.addAll(application.state(target));
        return all;
    }
}
