package io.kommander.cluster;

import io.kommander.PartitionChangeResult;
import io.kommander.PartitionDescriptor;
import io.kommander.RaftOperationStatus;
import io.kommander.internal.partition.PartitionSeams;
import io.kommander.internal.partition.ReplicaView;
import io.kommander.sim.SimCluster;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.kommander.cluster.ReplicaPlacementClusterTest.awaitSettled;
import static io.kommander.cluster.ReplicaPlacementClusterTest.endpoints;
import static io.kommander.cluster.ReplicaPlacementClusterTest.indexOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A partition created online starts, on every node and whenever the node opens it, from the same first
 * configuration: the roster's voters at the entry of partition 0's log that created it (docs/partitions.md), not each
 * node's configured members nor the roster of the moment it opens.
 */
class CreatedPartitionFirstConfigurationTest {

    /** Sim seed 12 of the nodes mix, by hand: 4 nodes, R=3, one removed, a partition created, the removed one back. */
    @Test
    void aRemovedMemberThatComesBackWipedBecomesAVoterOfAPartitionCreatedWhileItWasOut() {
        SimCluster cluster = SimCluster.builder(4, 4).tuning(b -> b.replicationFactor(3)).start();
        int created = createWhileAMemberIsOut(cluster);
        assertThat(cluster.view(0, created).configuration().voters())
                .isEqualTo(endpoints(cluster, List.of(0, 1, 2)));

        List<String> written = cluster.writeSequentially(created, "c-", 3);

        cluster.await(cluster.joinFresh(3));
        awaitSettled(cluster, 4);

        PartitionDescriptor partition = cluster.node(0).getPartitionMap().partition(created).orElseThrow();
        for (String replica : partition.replicas()) {
            assertThat(cluster.awaitHistory(indexOf(cluster, replica), partition.id(), written.size()))
                    .containsExactlyElementsOf(written);
        }
    }

    /**
     * Node 3 joined the cluster as a new member ({@code joinExisting}, which it keeps across restarts) and is a
     * voter when the partition is created, but down: it comes back with nothing of the partition, and the partition's
     * log holds no configuration entry to tell it anything. It must count itself a voter, as the others count it,
     * and vote: with another node down, the partition still elects and commits.
     */
    @Test
    void aFirstVoterThatRestartsBeforeItsReplicaWroteAnythingIsAVoterOnEveryNode() {
        SimCluster cluster = SimCluster.builder(4, 1).spares(1).start();
        cluster.await(cluster.join(3));
        Set<String> all = endpoints(cluster, List.of(0, 1, 2, 3));
        cluster.runUntil("node 3 votes in partition 1", () -> voters(cluster, 3, 1).equals(all));
        cluster.crash(3);
        PartitionChangeResult created = cluster.await(cluster.node(0).createPartition(null));
        assertThat(created.status()).isEqualTo(RaftOperationStatus.Success);
        int id = created.partitionId();
        List<String> written = new ArrayList<>(cluster.writeSequentially(id, "before-", 3));

        cluster.restart(3);
        assertThat(cluster.awaitHistory(3, id, written.size())).containsExactlyElementsOf(written);
        for (int n = 0; n < 4; n++) {
            assertThat(voters(cluster, n, id)).as("node %d's voters of partition %d", n, id).isEqualTo(all);
        }
        int leader = cluster.awaitLeader(id);
        int down = leader == 3 ? 0 : leader;
        cluster.crash(down);
        written.addAll(cluster.writeSequentially(id, "after-", 3));

        for (int n : cluster.others(down)) {
            assertThat(cluster.awaitHistory(n, id, written.size())).as("node %d", n)
                    .containsExactlyElementsOf(written);
        }
    }

    /**
     * Node 3 joins after the partition was created, so it is not one of its first voters: it opens the partition as
     * a joining replica, is caught up and promoted. Restarted with its data, it must open it the same way again, from
     * the first voters without itself, its log's configuration entries saying that it votes (sim seed 558 of the
     * placement seeds: the node stopped the partition as an impossible state, "not a first voter").
     */
    @Test
    void aReplicaAddedAfterTheCreationRestartsFromItsDataAsTheVoterItBecame() {
        SimCluster cluster = SimCluster.builder(4, 1).spares(1).start();
        PartitionChangeResult created = cluster.await(cluster.node(0).createPartition(null));
        assertThat(created.status()).isEqualTo(RaftOperationStatus.Success);
        int id = created.partitionId();
        List<String> written = new ArrayList<>(cluster.writeSequentially(id, "before-", 3));
        cluster.await(cluster.join(3));
        Set<String> all = endpoints(cluster, List.of(0, 1, 2, 3));
        cluster.runUntil("node 3 votes in partition " + id, () -> voters(cluster, 3, id).equals(all));
        assertThat(cluster.awaitHistory(3, id, written.size())).containsExactlyElementsOf(written);

        cluster.crashAfterSync(3);
        cluster.restart(3);
        written.addAll(cluster.writeSequentially(id, "after-", 3));

        assertThat(cluster.awaitHistory(3, id, written.size())).containsExactlyElementsOf(written);
        assertThat(voters(cluster, 3, id)).isEqualTo(all);
    }

    /**
     * The negative control of the test above: with created partitions opening from each node's configured members
     * (the planted {@code CREATED_FROM_OWN_PEERS}), the members that stayed count the removed node 3 a voter of a
     * partition created while it was out, which is what left a rejoined node's join waiting for ever (sim seed 12).
     */
    @Test
    void openingFromEachNodesOwnMembersCountsTheRemovedMemberAVoter() {
        SimCluster cluster = SimCluster.builder(4, 4).tuning(b -> b.replicationFactor(3))
                .plant(PartitionSeams.Bug.CREATED_FROM_OWN_PEERS).start();
        int created = createWhileAMemberIsOut(cluster);
        assertThat(cluster.view(0, created).configuration().voters())
                .isEqualTo(endpoints(cluster, List.of(0, 1, 2, 3)));
    }

    /** Settles 4 nodes of R = 3, crashes and removes node 3, then creates a partition; returns its id. */
    private static int createWhileAMemberIsOut(SimCluster cluster) {
        awaitSettled(cluster, 4);
        cluster.crash(3);
        assertThat(cluster.await(cluster.node(0).removeMember(cluster.endpoint(3))))
                .isEqualTo(RaftOperationStatus.Success);
        // Created while node 3 is out, though still in the others' configured members: it must not count as a voter.
        PartitionChangeResult created = cluster.await(cluster.node(0).createPartition(null));
        assertThat(created.status()).isEqualTo(RaftOperationStatus.Success);
        cluster.awaitLeader(created.partitionId());
        return created.partitionId();
    }

    private static Set<String> voters(SimCluster cluster, int node, int partition) {
        ReplicaView view = cluster.view(node, partition);
        return view == null || view.configuration() == null ? Set.of() : view.configuration().voters();
    }
}
