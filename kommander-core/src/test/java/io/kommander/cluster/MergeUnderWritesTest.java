package io.kommander.cluster;

import io.kommander.PartitionChangeResult;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionRange;
import io.kommander.PartitionState;
import io.kommander.RaftManager;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.testing.PayloadStateMachine;
import io.kommander.testing.TestCluster;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
            List<String> lower = keysOf(before.partition(SURVIVOR).orElseThrow().range());
            List<String> upper = keysOf(before.partition(ADJACENT).orElseThrow().range());
            List<String> keys = IntStream.range(0, 16).boxed().flatMap(i -> Stream.of(lower.get(i), upper.get(i)))
                    .toList();
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            Set<Integer> takers = ConcurrentHashMap.newKeySet();
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread writer = new Thread(() -> {
                for (int n = 0; writing.get(); n++) {
                    String key = keys.get(n % keys.size());
                    String payload = key + "#" + n;
                    PartitionDescriptor owner = cluster.node(0).getPartitionMap().ownerOfKey(key).orElseThrow();
                    RaftManager leader = cluster.node(Math.max(cluster.leaderOf(owner.id()), 0));
                    RaftReplicationResult result = leader.replicateLogs(owner.id(), "test",
                            List.of(payload.getBytes(StandardCharsets.UTF_8)), true, owner.generation()).join();
                    if (result.success()) {
                        acknowledged.add(payload);
                        takers.add(owner.id());
                    }
                }
            }, "merge-writer");
            writer.start();
            await().atMost(TestCluster.WAIT).until(() -> acknowledged.size() >= 50);

            PartitionChangeResult merge = cluster.node(1).mergePartitions(SURVIVOR, ADJACENT)
                    .get(TestCluster.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            int atTheEnd = acknowledged.size();
            await().atMost(TestCluster.WAIT).until(() -> acknowledged.size() >= atTheEnd + 50);
            writing.set(false);
            writer.join(TestCluster.WAIT.toMillis());

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

    private static List<String> keysOf(PartitionRange range) {
        return IntStream.range(0, 100_000).mapToObj(i -> "key" + i).filter(k -> range.contains(PartitionMap.hash(k)))
                .limit(16).toList();
    }
}
