package io.kommander.internal.system;

import io.kommander.PartitionDescriptor;
import io.kommander.PartitionState;
import io.kommander.internal.partition.Configuration;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** When a balancer step that brings a replica in stops counting as under way ({@link ReplicaBalancer#ended}). */
class ReplicaBalancerSettleTest {

    private static final Set<String> VOTERS = Set.of("a", "b", "c", "d");
    private static final long SETTLE = 10_000;
    /** Partition 1, moved from a, b, c to a, b, d: d comes in as a learner, then c goes. */
    private static final Set<String> D = Set.of("d");
    private static final PartitionDescriptor MOVED = PartitionDescriptor.active(1, null)
            .withPlacement(List.of("a", "b", "d"), List.of("a"));

    private static Configuration configuration(List<String> voters, List<String> learners) {
        return new Configuration(new TreeSet<>(voters), new TreeSet<>(learners));
    }

    @Test
    void aStepIsUnderWayUntilTheHostedReplicaShowsTheNewVotersAlone() {
        Configuration learning = configuration(List.of("a", "b", "c"), List.of("d"));
        Configuration promoted = configuration(List.of("a", "b", "c", "d"), List.of());
        Configuration done = configuration(List.of("a", "b", "d"), List.of());

        assertThat(ReplicaBalancer.ended(MOVED, learning, VOTERS, D, 5 * SETTLE, SETTLE)).isFalse();
        assertThat(ReplicaBalancer.ended(MOVED, promoted, VOTERS, D, 5 * SETTLE, SETTLE)).isFalse();
        assertThat(ReplicaBalancer.ended(MOVED, done, VOTERS, D, 0, SETTLE)).isTrue();
    }

    @Test
    void aStepThisNodeCannotWatchEndsAfterTheSettleTime() {
        assertThat(ReplicaBalancer.ended(MOVED, null, VOTERS, D, SETTLE - 1, SETTLE)).isFalse();
        assertThat(ReplicaBalancer.ended(MOVED, null, VOTERS, D, SETTLE, SETTLE)).isTrue();
    }

    @Test
    void aStepThatBringsInAMemberWhoIsNoLongerAVoterEndsAtOnce() {
        // d began to leave (or was removed) while it was being caught up as a learner: its node may never open the
        // replica, and a step held under way would keep the partition on d, so that d's leave never ended (seed 24708)
        assertThat(endsAtOnceWhileDLearns(Set.of("a", "b", "c"))).isTrue();
    }

    @Test
    void aMemberThatStaysAndLeavesMeanwhileHoldsNothingUp() {
        // b leaves while d is caught up: the move goes on to its end, and a later one takes b out
        assertThat(endsAtOnceWhileDLearns(Set.of("a", "c", "d"))).isFalse();
    }

    /** Whether the move to d ends at once with these voters, where the partition is hosted and where it is not. */
    private static boolean endsAtOnceWhileDLearns(Set<String> voters) {
        boolean hosted = ReplicaBalancer.ended(MOVED, configuration(List.of("a", "b", "c"), List.of("d")), voters, D, 0,
                SETTLE);
        assertThat(ReplicaBalancer.ended(MOVED, null, voters, D, 0, SETTLE)).isEqualTo(hosted);
        return hosted;
    }

    @Test
    void aStepOfAPartitionThatIsGoneOrNotActiveEnds() {
        assertThat(ReplicaBalancer.ended(null, null, VOTERS, D, 0, SETTLE)).isTrue();
        PartitionDescriptor draining = MOVED.withState(PartitionState.DRAINING);
        assertThat(ReplicaBalancer.ended(draining, null, VOTERS, D, 0, SETTLE)).isTrue();
    }
}
