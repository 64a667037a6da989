package io.kommander.cluster;

import io.kommander.PartitionChangeResult;
import io.kommander.PartitionDescriptor;
import io.kommander.RaftOperationStatus;
import io.kommander.internal.partition.PartitionSeams;
import io.kommander.sim.SimCluster;
import io.kommander.sim.SimClusterBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code createPartition} call whose answer is lost: partition 0's leader applies the create, its answer to the
 * calling node is lost, and the leader dies; the library retries the call against the next leader, which is answered
 * the partition the first attempt made, and the map holds one new partition, not two.
 */
class CreateRetryTest {

    private static final int NODES = 3;
    private static final int PARTITIONS = 2;

    @Test
    void aCreateRetriedAgainstANewLeaderAfterItsFirstAttemptCommittedCreatesOnePartition() {
        Outcome outcome = createWithTheAnswerLost(SimCluster.builder(NODES, PARTITIONS));

        assertThat(outcome.answer().status()).isEqualTo(RaftOperationStatus.Success);
        assertThat(outcome.created()).as("partitions the one call created").hasSize(1);
        assertThat(outcome.answer().partitionId()).isEqualTo(outcome.created().get(0).id());
    }

    /** The negative control: without the calls in partition 0's log, the retry makes a second partition. */
    @Test
    void withoutTheCallsInPartitionZerosLogTheRetryCreatesASecondPartition() {
        Outcome outcome = createWithTheAnswerLost(SimCluster.builder(NODES, PARTITIONS)
                .plant(PartitionSeams.Bug.CREATE_CALLS_FORGOTTEN));

        assertThat(outcome.answer().status()).isEqualTo(RaftOperationStatus.Success);
        assertThat(outcome.created()).as("partitions the one call created").hasSize(2);
    }

    private record Outcome(PartitionChangeResult answer, List<PartitionDescriptor> created) {
    }

    /**
     * Asks a follower of partition 0 to create a partition while everything partition 0's leader sends it is lost;
     * once the leader applied the create, kills the leader and restores the link, and waits for the call's answer.
     */
    private static Outcome createWithTheAnswerLost(SimClusterBuilder builder) {
        SimCluster cluster = builder.start();
        int leader = cluster.awaitSystemLeader();
        int caller = cluster.others(leader).get(0);
        int highest = cluster.node(caller).getPartitionMap().highestId();

        cluster.cutLink(leader, caller);
        CompletableFuture<PartitionChangeResult> created = cluster.node(caller).createPartition(null);
        cluster.runUntil("partition 0's leader applied the create",
                () -> cluster.node(leader).getPartitionMap().highestId() > highest);
        assertThat(created).as("the call, its answer lost").isNotDone();
        cluster.crash(leader);
        cluster.heal();
        PartitionChangeResult answer = cluster.await(created);
        int survivor = cluster.awaitSystemLeader();
        List<PartitionDescriptor> made = cluster.node(survivor).getPartitionMap().partitions().stream()
                .filter(p -> p.id() > highest).toList();
        return new Outcome(answer, made);
    }
}
