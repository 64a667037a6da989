package io.kommander.cluster;

import io.kommander.IRaft;
import io.kommander.PartitionChangeResult;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionRange;
import io.kommander.PartitionState;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.sim.SimCluster;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The partition map on the deterministic simulator: every node applies the same map and routes by it; partitions
 * are created and removed online, from any node, under writes; a removed partition takes no write once a node has
 * applied its drain, and its data leaves every disk; stale generations are refused; restarts converge.
 */
class PartitionLifecycleTest {

    private static final int PARTITIONS = 2;

    @Test
    void everyNodeAppliesTheSameFirstMapAndRoutesByIt() {
        SimCluster cluster = SimCluster.builder(3, PARTITIONS).start();

        PartitionMap map = cluster.awaitLeaderPreferences();
        assertThat(map.version()).as("the first map, then every leader preference in one change").isEqualTo(2);
        assertThat(map.partitions()).extracting(PartitionDescriptor::id).containsExactly(1, 2);
        assertThat(map.partitions()).extracting(PartitionDescriptor::generation).containsOnly(1L);
        for (int n = 1; n < 3; n++) {
            assertThat(cluster.node(n).getPartitionMap()).isEqualTo(map);
        }
        IRaft raft = cluster.node(1);
        for (String key : List.of("orders/42", "users/7", "x")) {
            assertThat(raft.getPartitionKey(key)).isEqualTo(map.ownerOfKey(key).orElseThrow().id());
        }
        assertThat(raft.getPrefixPartitionKey("orders/42/line/1")).isEqualTo(raft.getPartitionKey("orders/42/line"));
    }

    @Test
    void partitionCreatedFromAnyNodeElectsALeaderAndTakesWritesOnEveryNode() {
        SimCluster cluster = SimCluster.builder(3, PARTITIONS).start();
        int system = cluster.awaitSystemLeader();
        int other = cluster.others(system).get(0);
        long version = cluster.awaitLeaderPreferences().version();
        List<List<PartitionMap>> seen = subscribeToMaps(cluster);

        PartitionChangeResult created = cluster.await(cluster.node(other).createPartition(null));

        assertThat(created.status()).isEqualTo(RaftOperationStatus.Success);
        assertThat(created.partitionId()).isEqualTo(3);
        cluster.runUntil("every node applied the create", () -> IntStream.range(0, 3)
                .allMatch(n -> cluster.node(n).getPartitionMap().partition(3).isPresent()));
        List<String> written = cluster.writeSequentially(3, "new-", 20);
        PartitionDescriptor placed = cluster.awaitLeaderPreferences().partition(3).orElseThrow();
        for (int n = 0; n < 3; n++) {
            assertThat(cluster.awaitHistory(n, 3, written.size())).containsExactlyElementsOf(written);
            assertThat(seen.get(n)).as("node %d's map changes: the create, then its leader preference", n)
                    .extracting(PartitionMap::version).containsExactly(version + 1, version + 2);
        }
        assertThat(placed.leaderPreference()).hasSize(1);
        assertThat(placed).isEqualTo(new PartitionDescriptor(3, null, 1, PartitionState.ACTIVE, List.of(),
                placed.leaderPreference()));
    }

    @Test
    void aCreateThatOutlastsItsAttemptsCreatesOnePartition() {
        // An attempt of 5 ms: partition 0's leader is asked again, by its own node and by another, while the first
        // create is still being committed. Each retry must get the first attempt's answer, not a second partition.
        SimCluster cluster = SimCluster.builder(3, PARTITIONS).tuning(b -> b.membershipRetryMillis(5)
                .membershipBackoffMillis(1)).start();
        int system = cluster.awaitSystemLeader();
        int other = cluster.others(system).get(0);

        PartitionChangeResult local = cluster.await(cluster.node(system).createPartition(null));
        PartitionChangeResult remote = cluster.await(cluster.node(other).createPartition(null));

        assertThat(local.status()).isEqualTo(RaftOperationStatus.Success);
        assertThat(remote.status()).isEqualTo(RaftOperationStatus.Success);
        assertThat(List.of(local.partitionId(), remote.partitionId())).containsExactly(3, 4);
        cluster.runUntil("every node applied both creates", () -> IntStream.range(0, 3)
                .allMatch(n -> cluster.node(n).getPartitionMap().partition(4).isPresent()));
        for (int n = 0; n < 3; n++) {
            assertThat(cluster.node(n).getPartitionMap().partitions()).extracting(PartitionDescriptor::id)
                    .containsExactly(1, 2, 3, 4);
        }
    }

    @Test
    void aRemovalThatOutlastsItsAttemptsAnswersItsOwnOutcome() {
        // A removal waits an election timeout between its drain and its removal, far longer than a 5 ms attempt: a
        // retry must get the first attempt's answer, not find the partition already removed (UnknownPartition).
        SimCluster cluster = SimCluster.builder(3, PARTITIONS).tuning(b -> b.membershipRetryMillis(5)
                .membershipBackoffMillis(1)).start();
        int system = cluster.awaitSystemLeader();
        int other = cluster.others(system).get(0);

        PartitionChangeResult remote = cluster.await(cluster.node(other).removePartition(2));
        PartitionChangeResult local = cluster.await(cluster.node(system).removePartition(1));

        assertThat(remote.status()).isEqualTo(RaftOperationStatus.Success);
        assertThat(local.status()).isEqualTo(RaftOperationStatus.Success);
        cluster.runUntil("every node applied both removals", () -> IntStream.range(0, 3).allMatch(n ->
                cluster.node(n).getPartitionMap().partitions().stream()
                        .allMatch(p -> p.state() == PartitionState.REMOVED)));
    }

    /**
     * The removal's second step (REMOVE, an election timeout after its drain) finds another map change in flight on
     * partition 0's leader and is refused ProposalQueueFull: the caller's retries of the same call must be decided
     * afresh, not handed that refusal for ever, with the partition left draining (sim seed 390 with splits in the
     * placement seeds, where the balancer's placements kept partition 0's leader busy).
     */
    @Test
    void aRemovalWhoseRemoveFindsAnotherMapChangeInFlightFinishesOnARetry() {
        SimCluster cluster = SimCluster.builder(3, PARTITIONS).tuning(b -> b.membershipRetryMillis(5)
                .membershipBackoffMillis(1)).start();
        int system = cluster.awaitSystemLeader();
        int other = cluster.others(system).get(0);

        CompletableFuture<PartitionChangeResult> removal = cluster.node(other).removePartition(1);
        // Map changes back to back on partition 0's leader: one is in flight at almost every instant.
        List<PartitionChangeResult> creates = new ArrayList<>();
        cluster.runUntil("partition 1 draining", () -> cluster.node(system).getPartitionMap().partition(1)
                .map(p -> p.state() == PartitionState.DRAINING).orElse(false));
        long drained = cluster.now();
        while (cluster.now() < drained + 1_000) {
            creates.add(cluster.await(cluster.node(system).createPartition(null)));
        }

        assertThat(creates).extracting(PartitionChangeResult::status).containsOnly(RaftOperationStatus.Success);
        assertThat(cluster.await(removal).status()).isEqualTo(RaftOperationStatus.Success);
        cluster.runUntil("every node applied the removal", () -> IntStream.range(0, 3).allMatch(n ->
                cluster.node(n).getPartitionMap().partition(1).orElseThrow().state() == PartitionState.REMOVED));
    }

    @Test
    void removalUnderContinuousWritesKeepsEveryAcknowledgedWriteAndTakesNoneAfterTheDrain() {
        SimCluster cluster = SimCluster.builder(3, PARTITIONS).start();
        int removed = 2;
        List<String> before = cluster.writeSequentially(removed, "before-", 10);
        Map<Integer, Long> drainedAt = drainTimes(cluster, removed);
        int caller = cluster.others(cluster.awaitSystemLeader()).get(0);

        CompletableFuture<PartitionChangeResult> removal = cluster.node(caller).removePartition(removed);
        List<Ack> acknowledged = new ArrayList<>();
        int refused = 0;
        for (int i = 0; !removal.isDone(); i++) {
            int node = Math.max(cluster.leaderOf(removed), 0);
            long submittedAt = cluster.now();
            RaftReplicationResult result = cluster.await(cluster.node(node).replicateLogs(removed, "test",
                    ("during-" + i).getBytes(StandardCharsets.UTF_8)));
            if (result.success()) {
                acknowledged.add(new Ack(node, "during-" + i, submittedAt));
            } else if (result.status() == RaftOperationStatus.PartitionDraining
                    || result.status() == RaftOperationStatus.UnknownPartition) {
                refused++;
            }
            cluster.runFor(Duration.ofMillis(5));
        }

        assertThat(cluster.await(removal).status()).isEqualTo(RaftOperationStatus.Success);
        assertThat(refused).as("writes refused while the partition drained or after").isPositive();
        for (Ack ack : acknowledged) {
            Long drained = drainedAt.get(ack.node());
            assertThat(drained == null || ack.submittedAt() < drained)
                    .as("%s was taken by n%d after it applied the drain (at %s)", ack, ack.node(), drained).isTrue();
            assertThat(cluster.history(ack.node(), removed).stream().map(SimCluster::text)
                    .filter(ack.payload()::equals)).as("%s delivered once on the node that took it", ack).hasSize(1);
        }
        cluster.runUntil("every node deleted the removed partition's data", () -> IntStream.range(0, 3)
                .noneMatch(n -> cluster.storedPartitions(n).contains(removed)));
        for (int n = 0; n < 3; n++) {
            List<String> history = cluster.history(n, removed).stream().map(SimCluster::text).toList();
            assertThat(history).as("node %d", n).doesNotHaveDuplicates().startsWith(before.toArray(String[]::new));
            RaftReplicationResult after = cluster.await(cluster.node(n).replicateLogs(removed, "test",
                    "after".getBytes(StandardCharsets.UTF_8)));
            assertThat(after.status()).isEqualTo(RaftOperationStatus.UnknownPartition);
            assertThat(cluster.node(n).getPartitionMap().partition(removed).orElseThrow().state())
                    .isEqualTo(PartitionState.REMOVED);
        }
        // The other partition goes on as before.
        cluster.writeSequentially(1, "still-", 5);
    }

    @Test
    void writeAddressedToAStaleGenerationIsRefusedAndNamesTheNewOwner() {
        SimCluster cluster = SimCluster.builder(3, PARTITIONS).start();
        IRaft raft = cluster.node(cluster.awaitSystemLeader());
        PartitionDescriptor old = raft.getPartitionMap().partition(2).orElseThrow();
        assertThat(cluster.await(raft.removePartition(2)).status()).isEqualTo(RaftOperationStatus.Success);

        PartitionChangeResult taken = cluster.await(raft.createPartition(old.range()));

        assertThat(taken.status()).isEqualTo(RaftOperationStatus.Success);
        assertThat(taken.partitionId()).as("ids are never reused").isEqualTo(3);
        cluster.runUntil("every node applied the create", () -> IntStream.range(0, 3)
                .allMatch(n -> cluster.node(n).getPartitionMap().partition(3).isPresent()));
        for (int n = 0; n < 3; n++) {
            RaftReplicationResult stale = cluster.await(cluster.node(n).replicateLogs(2, "test",
                    "stale".getBytes(StandardCharsets.UTF_8), old.generation()));
            assertThat(stale.status()).isEqualTo(RaftOperationStatus.PartitionMoved);
            assertThat(stale.movedTo()).isEqualTo(new RaftReplicationResult.PartitionOwner(3, 1));
            assertThat(stale.outcome()).isEqualTo(io.kommander.WriteOutcome.NOT_APPENDED);
        }
        int leader = cluster.awaitLeader(3);
        String key = IntStream.range(0, 1000).mapToObj(i -> "k" + i)
                .filter(k -> old.range().contains(PartitionMap.hash(k))).findFirst().orElseThrow();
        assertThat(cluster.node(leader).getPartitionKey(key)).isEqualTo(3);
        assertThat(cluster.await(cluster.node(leader).replicateLogs(3, "test",
                "fresh".getBytes(StandardCharsets.UTF_8), 1L)).success()).isTrue();
    }

    @Test
    void refusedChangesSayWhyAndChangeNothing() {
        SimCluster cluster = SimCluster.builder(3, PARTITIONS).start();
        IRaft raft = cluster.node(0);
        PartitionMap before = cluster.awaitLeaderPreferences();

        assertThat(cluster.await(raft.createPartition(new PartitionRange(5, 6))).status())
                .isEqualTo(RaftOperationStatus.PartitionRangeTaken);
        assertThat(cluster.await(raft.removePartition(99)).status()).isEqualTo(RaftOperationStatus.UnknownPartition);
        assertThatThrownBy(() -> raft.removePartition(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(raft.getPartitionMap()).isEqualTo(before);
    }

    @Test
    void nodeRestartedAcrossACreateAndARemovalConvergesAndDeletesTheRemovedData() {
        SimCluster cluster = SimCluster.builder(3, PARTITIONS).start();
        int system = cluster.awaitSystemLeader();
        int down = cluster.others(system).get(0);
        cluster.writeSequentially(1, "one-", 5);
        cluster.crash(down);

        assertThat(cluster.await(cluster.node(system).createPartition(null)).status())
                .isEqualTo(RaftOperationStatus.Success);
        assertThat(cluster.await(cluster.node(system).removePartition(1)).status())
                .isEqualTo(RaftOperationStatus.Success);
        List<String> written = cluster.writeSequentially(3, "three-", 5);
        cluster.restart(down);

        cluster.runUntil("the restarted node applied both changes", () -> cluster.node(down).getPartitionMap()
                .equals(cluster.node(system).getPartitionMap()));
        assertThat(cluster.awaitHistory(down, 3, written.size())).containsExactlyElementsOf(written);
        cluster.runUntil("the restarted node deleted partition 1", () -> !cluster.storedPartitions(down)
                .contains(1));
    }

    @Test
    void nodeCrashedRightAfterApplyingARemovalDeletesTheDataWhenItRestarts() {
        SimCluster cluster = SimCluster.builder(3, PARTITIONS).start();
        int system = cluster.awaitSystemLeader();
        int victim = cluster.others(system).get(0);
        cluster.writeSequentially(2, "two-", 5);
        CompletableFuture<PartitionChangeResult> removal = cluster.node(system).removePartition(2);

        cluster.runUntil("the victim applied the removal", () -> cluster.node(victim).getPartitionMap().partition(2)
                .orElseThrow().state() == PartitionState.REMOVED);
        cluster.crash(victim);
        assertThat(cluster.await(removal).status()).isEqualTo(RaftOperationStatus.Success);
        cluster.restart(victim);

        cluster.runUntil("the restarted victim deleted partition 2", () -> !cluster.storedPartitions(victim)
                .contains(2));
        assertThat(cluster.node(victim).getPartitionMap().partition(2).orElseThrow().state())
                .isEqualTo(PartitionState.REMOVED);
        assertThat(cluster.await(cluster.node(victim).replicateLogs(2, "test", new byte[1])).status())
                .isEqualTo(RaftOperationStatus.UnknownPartition);
    }

    @Test
    void nodeJoiningAfterACreateAndARemovalHostsExactlyTheLivePartitions() {
        SimCluster cluster = SimCluster.builder(4, PARTITIONS).spares(1).start();
        IRaft raft = cluster.node(cluster.awaitSystemLeader());
        assertThat(cluster.await(raft.removePartition(1)).status()).isEqualTo(RaftOperationStatus.Success);
        assertThat(cluster.await(raft.createPartition(null)).status()).isEqualTo(RaftOperationStatus.Success);
        List<String> written = cluster.writeSequentially(3, "three-", 5);

        cluster.await(cluster.join(3));

        assertThat(cluster.node(3).getPartitionMap()).isEqualTo(raft.getPartitionMap());
        assertThat(cluster.node(3).partitionCount()).isEqualTo(2);
        assertThat(cluster.awaitHistory(3, 3, written.size())).containsExactlyElementsOf(written);
        assertThat(cluster.storedPartitions(3)).doesNotContain(1);
    }

    /** A write a node acknowledged, and when it was submitted there. */
    private record Ack(int node, String payload, long submittedAt) {
    }

    /** For each node, the virtual time it applied the drain of {@code partition} (absent until it does). */
    private static Map<Integer, Long> drainTimes(SimCluster cluster, int partition) {
        Map<Integer, Long> at = new HashMap<>();
        for (int n = 0; n < cluster.size(); n++) {
            int node = n;
            cluster.node(n).onPartitionMapChanged(map -> {
                if (map.partition(partition).orElseThrow().state() != PartitionState.ACTIVE) {
                    at.putIfAbsent(node, cluster.now());
                }
            });
        }
        return at;
    }

    private static List<List<PartitionMap>> subscribeToMaps(SimCluster cluster) {
        List<List<PartitionMap>> seen = new ArrayList<>();
        for (int n = 0; n < cluster.size(); n++) {
            List<PartitionMap> maps = new ArrayList<>();
            seen.add(maps);
            cluster.node(n).onPartitionMapChanged(maps::add);
        }
        return seen;
    }
}
