package io.kommander.cluster;

import io.kommander.PartitionChangeResult;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionState;
import io.kommander.RaftOperationStatus;
import io.kommander.internal.partition.PartitionSeams;
import io.kommander.sim.SimCluster;
import io.kommander.sim.SimClusterBuilder;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code splitPartition} call whose answer is lost: partition 0's leader begins the split, the split finishes, the
 * answer to the calling node is lost and the leader dies; the library retries the call against the next leader,
 * where the source no longer holds the boundary, and is answered the new half the first attempt began.
 */
class SplitRetryTest {

    private static final int SOURCE = 1;

    @Test
    void aSplitRetriedAgainstANewLeaderAfterItFinishedIsAnsweredItsNewHalf() {
        Outcome outcome = splitWithTheAnswerLost(SimCluster.builder(3, 2).snapshots());

        assertThat(outcome.answer().status()).isEqualTo(RaftOperationStatus.Success);
        assertThat(outcome.answer().partitionId()).isEqualTo(outcome.half().id());
    }

    /** The negative control: without the calls in partition 0's log, the retry is refused. */
    @Test
    void withoutTheCallsInPartitionZerosLogTheRetryIsRefused() {
        Outcome outcome = splitWithTheAnswerLost(SimCluster.builder(3, 2).snapshots()
                .plant(PartitionSeams.Bug.CREATE_CALLS_FORGOTTEN));

        assertThat(outcome.answer().status()).isEqualTo(RaftOperationStatus.PartitionRangeTaken);
    }

    private record Outcome(PartitionChangeResult answer, PartitionDescriptor half) {
    }

    /**
     * Asks a follower of partition 0 to split, and cuts it off from partition 0 once the leader began the split (the
     * answer is lost); once the leader applied the split's finish, kills it, restores partition 0, and waits for the
     * call's answer.
     */
    private static Outcome splitWithTheAnswerLost(SimClusterBuilder builder) {
        SimCluster cluster = builder.start();
        int leader = cluster.awaitSystemLeader();
        PartitionMap before = cluster.awaitLeaderPreferences();
        // Not the source's preferred leader either, whose new half (preferring it too) needs partition 0 to finish.
        String preferred = before.partition(SOURCE).orElseThrow().leaderPreference().get(0);
        int caller = cluster.others(leader).stream().filter(n -> !cluster.endpoint(n).equals(preferred)).findFirst()
                .orElseThrow();
        long boundary = SplitPartitionTest.median(KeyedWriter.keysIn(before.partition(SOURCE).orElseThrow().range(),
                24));
        int half = before.highestId() + 1;

        CompletableFuture<PartitionChangeResult> split = cluster.node(caller).splitPartition(SOURCE, boundary);
        cluster.runUntil("partition 0's leader began the split", () -> cluster.node(leader).getPartitionMap()
                .splitTarget(SOURCE).isPresent());
        cluster.mute(caller, 0);
        cluster.runUntil("partition 0's leader applied the split's finish", () -> cluster.node(leader)
                .getPartitionMap().partition(half).map(p -> p.state() == PartitionState.ACTIVE).orElse(false));
        assertThat(split).as("the call, its answer lost").isNotDone();
        cluster.crash(leader);
        cluster.heal();
        PartitionChangeResult answer = cluster.await(split);
        return new Outcome(answer, cluster.node(caller).getPartitionMap().partition(half).orElseThrow());
    }
}
